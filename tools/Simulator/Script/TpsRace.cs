using KpuOrleans.Forms;
using KpuOrleans.Registry;

namespace KpuOrleans.Simulator.Script;

/// <summary>
/// One TPS's forms for one race, in the order its officer sends them (a typo caught by the server, the form, a retry,
/// a correction), and what the server accepted. Its steps go one at a time: the next is sent only once the previous
/// one was answered, so only one worker touches a race at once.
/// </summary>
internal sealed class TpsRace(RegionInfo tps, Contest contest, TpsProgress progress, IReadOnlyList<Submission> steps, TimeSpan arrival)
{
    private readonly List<Acceptance> _accepted = [];
    private int _next;

    public RegionInfo Tps { get; } = tps;
    public Contest Contest { get; } = contest;
    public TpsProgress Progress { get; } = progress;
    public IReadOnlyList<Submission> Steps { get; } = steps;

    /// <summary>When the first step is due, as time after polls close (13:00 WIB); night mode only.</summary>
    public TimeSpan Arrival { get; } = arrival;

    /// <summary>Every version the server accepted, oldest first.</summary>
    public IReadOnlyList<Acceptance> Accepted => _accepted;

    /// <summary>A form sent but never answered after every attempt: it may or may not have been accepted.</summary>
    public ResultForm? Unresolved { get; private set; }

    public Acceptance? Latest => _accepted.Count == 0 ? null : _accepted[^1];

    public Submission? Current => _next < Steps.Count ? Steps[_next] : null;

    /// <summary>Moves to the next step; null when the race is done.</summary>
    public Submission? Advance() => ++_next < Steps.Count ? Steps[_next] : null;

    /// <summary>Stops the race early: a step it depends on was not accepted.</summary>
    public void Abandon() => _next = Steps.Count;

    public void Record(Acceptance acceptance)
    {
        if (_accepted.Any(a => a.Form.Version == acceptance.Form.Version)) return;
        _accepted.Add(acceptance);
        if (_accepted.Count == 1) Progress.RaceReported();
    }

    public void MarkUnresolved(ResultForm form) => Unresolved = form;

    public Acceptance? AcceptedVersion(long version) => _accepted.FirstOrDefault(a => a.Form.Version == version);

    private int _disputes;

    /// <summary>Disputes filed about this race that the gateway holds open (201, or 200 for one already open).</summary>
    public int DisputesFiled => Volatile.Read(ref _disputes);

    public void DisputeFiled() => Interlocked.Exchange(ref _disputes, 1);

    /// <summary>Whether the latest accepted version cites a page the gateway was never seen to store.</summary>
    public bool PhotoMissing => Latest?.Photos is { AllStored: false };
}

/// <summary>A form as the server accepted it: its 201 (or the 200 of a retry that found it), and the photos it cites.</summary>
internal sealed record Acceptance(ResultForm Form, DateTimeOffset AcceptedAt, IReadOnlyList<string> Anomalies, DateTime ReceivedAt,
    Photos.FormPhotos? Photos = null);

/// <summary>Counts the races of one TPS that have a form accepted; the TPS has reported once all have.</summary>
internal sealed class TpsProgress(int races, Action onReported)
{
    private int _reported;

    public void RaceReported()
    {
        if (Interlocked.Increment(ref _reported) == races) onReported();
    }
}
