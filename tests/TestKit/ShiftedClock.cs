namespace KpuOrleans.TestKit;

/// <summary>
/// The system clock moved forward on demand, for tests of windows measured in hours. Only the wall time moves:
/// timers and timestamps stay real, so the silo's own timers run as usual.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
