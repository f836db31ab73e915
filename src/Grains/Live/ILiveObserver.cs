using KpuOrleans.Tallies;

namespace KpuOrleans.Live;

/// <summary>A gateway's ear on the grains it serves viewers for: one observer object per gateway process.</summary>
public interface ILiveObserver : IGrainObserver
{
    [OneWay]
    Task OnTally(TallySnapshot tally);

    [OneWay]
    Task OnAnomalies(AnomalyEntry[] entries);

    /// <summary>
    /// The watched node is deactivating (its silo is leaving, e.g. scaled in or rolled): watching it again now, rather
    /// than at the next renewal, activates it elsewhere and keeps its viewers' updates coming.
    /// </summary>
    [OneWay]
    Task OnWatchEnded(string contest, string region);
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
