using HdrHistogram;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Sending;

namespace KpuOrleans.Simulator.Live;

/// <summary>Delays by level of the subscribed region, and over all levels.</summary>
internal sealed class DelayHistograms
{
    private readonly SortedDictionary<Level, LongHistogram> _byLevel = new();

    public IReadOnlyDictionary<Level, LongHistogram> ByLevel => _byLevel;

    public LongHistogram All { get; } = New();

    public void Record(Level level, TimeSpan delay)
    {
        var micros = Math.Clamp(delay.Ticks / 10, 1, RunStats.MaxMicroseconds);
        if (!_byLevel.TryGetValue(level, out var histogram)) _byLevel[level] = histogram = New();
        histogram.RecordValue(micros);
        All.RecordValue(micros);
    }

    private static LongHistogram New() => new(1, RunStats.MaxMicroseconds, 3);
}
