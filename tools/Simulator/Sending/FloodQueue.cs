using System.Threading.Channels;
using KpuOrleans.Simulator.Forms;
using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Simulator.Sending;

/// <summary>Everything at once: every race's first step in a seeded random order, each next step as soon as its turn comes.</summary>
internal sealed class FloodQueue : SubmissionQueue
{
    private readonly Channel<PendingSubmission> _ready = Channel.CreateUnbounded<PendingSubmission>();

    public FloodQueue(IReadOnlyList<TpsRace> races, long seed) : base(races)
    {
        var order = races.Where(r => r.Current is not null).ToList();
        SeededRandom.For(seed, "flood-order").Shuffle(order);
        foreach (var race in order) _ready.Writer.TryWrite(new PendingSubmission(race, race.Current!));
        if (races.Count == 0) _ready.Writer.TryComplete();
    }

    public override async ValueTask<bool> TakeAsync(List<PendingSubmission> into, int max, CancellationToken cancellationToken)
    {
        while (await _ready.Reader.WaitToReadAsync(cancellationToken))
        {
            while (into.Count < max && _ready.Reader.TryRead(out var pending)) into.Add(pending);
            if (into.Count > 0) return true;
        }
        return false;
    }

    public override void Again(PendingSubmission pending, TimeSpan backoff) =>
        _ = Task.Delay(backoff).ContinueWith(_ => _ready.Writer.TryWrite(pending with { Attempt = pending.Attempt + 1 }), TaskScheduler.Default);

    protected override void Schedule(PendingSubmission pending, TimeSpan after) => _ready.Writer.TryWrite(pending);

    protected override void OnAllFinished() => _ready.Writer.TryComplete();
}
