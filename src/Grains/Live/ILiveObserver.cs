using KpuOrleans.Tallies;

namespace KpuOrleans.Live;

/// <summary>A gateway's ear on the grains it serves viewers for: one observer object per gateway process.</summary>
public interface ILiveObserver : IGrainObserver
{
    [OneWay]
    Task OnTally(TallySnapshot tally);

    [OneWay]
    Task OnAnomalies(AnomalyEntry[] entries);
}

/// <summary>An accepted form that was flagged for review, as the operators' list shows it.</summary>
[GenerateSerializer, Immutable, Alias("kpu.AnomalyEntry")]
public sealed record AnomalyEntry(
    [property: Id(0)] string Tps,
    [property: Id(1)] string Contest,
    [property: Id(2)] long Version,
    [property: Id(3)] string Region,
    [property: Id(4)] IReadOnlyList<string> Anomalies,
    [property: Id(5)] DateTimeOffset AcceptedAt);
