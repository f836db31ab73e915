using System.Diagnostics;
using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Simulator.Sending;

/// <summary>
/// Election night replayed: each race's first step is due at its arrival on the curve, each next step the scripted
/// time after the previous answer, on a clock running <c>speed</c> times faster than real time from 13:00 WIB.
/// </summary>
internal sealed class NightQueue : SubmissionQueue
{
    private static readonly TimeSpan ShortestNap = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan LongestNap = TimeSpan.FromMilliseconds(20);

    private readonly PriorityQueue<PendingSubmission, TimeSpan> _due = new();
    private readonly Lock _gate = new();
    private readonly double _speed;
    private readonly Stopwatch _clock = new();

    public NightQueue(IReadOnlyList<TpsRace> races, double speed) : base(races)
    {
        _speed = speed;
        foreach (var race in races)
        {
            if (race.Current is { } step) _due.Enqueue(new PendingSubmission(race, step), race.Arrival);
        }
    }

    /// <summary>Election-night time now: how long after polls closed.</summary>
    public TimeSpan Now => _clock.Elapsed * _speed;

    /// <summary>How far behind the script the sending runs (zero when on time).</summary>
    public TimeSpan Behind
    {
        get
        {
            lock (_gate)
            {
                if (!_due.TryPeek(out _, out var due)) return TimeSpan.Zero;
                var behind = Now - due;
                return behind > TimeSpan.Zero ? behind : TimeSpan.Zero;
            }
        }
    }

    public override async ValueTask<bool> TakeAsync(List<PendingSubmission> into, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_clock.IsRunning) _clock.Start();
        }
        while (true)
        {
            TimeSpan nap;
            lock (_gate)
            {
                var now = Now;
                while (into.Count < max && _due.TryPeek(out _, out var due) && due <= now) into.Add(_due.Dequeue());
                if (into.Count > 0) return true;
                if (Open == 0) return false;
                nap = _due.TryPeek(out _, out var next) ? (next - now) / _speed : LongestNap;
            }
            await Task.Delay(nap < ShortestNap ? ShortestNap : nap > LongestNap ? LongestNap : nap, cancellationToken);
        }
    }

    public override void Again(PendingSubmission pending, TimeSpan backoff)
    {
        lock (_gate) _due.Enqueue(pending with { Attempt = pending.Attempt + 1 }, Now + backoff * _speed);
    }

    protected override void Schedule(PendingSubmission pending, TimeSpan after)
    {
        lock (_gate) _due.Enqueue(pending, Now + after);
    }

    protected override void OnAllFinished()
    {
    }
}
