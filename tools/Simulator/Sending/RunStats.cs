using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;
using KpuOrleans.Simulator.Script;
using KpuOrleans.Simulator.Throttling;

namespace KpuOrleans.Simulator.Sending;

/// <summary>What the sender did, live: forms sent and answered by kind and status, errors, acceptance latency.</summary>
internal sealed class RunStats
{
    /// <summary>Latencies are recorded in microseconds, up to ten minutes.</summary>
    public const long MaxMicroseconds = 600_000_000;

    private const int MaxErrorSamples = 20;

    private readonly ConcurrentDictionary<(SubmissionKind Kind, int Status), long> _answers = new();
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _errorSamples = new();
    private readonly ConcurrentDictionary<ThrottledArea, long> _throttled = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _sent;
    private long _answered;
    private long _accepted;
    private int _tpsReported;
    private TimeSpan? _sendingTime;

    public int TpsTotal { get; private set; }
    public int RacesTotal { get; private set; }
    public int SubmissionsTotal { get; private set; }

    /// <summary>What the script will send, for the share of TPS reported and the progress.</summary>
    public void Plan(int tpsTotal, int racesTotal, int submissionsTotal)
    {
        TpsTotal = tpsTotal;
        RacesTotal = racesTotal;
        SubmissionsTotal = submissionsTotal;
    }

    public long Sent => Interlocked.Read(ref _sent);
    public long Answered => Interlocked.Read(ref _answered);
    public long Accepted => Interlocked.Read(ref _accepted);
    public int TpsReported => Volatile.Read(ref _tpsReported);
    public long ErrorCount => _errors.Values.Sum();
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>From the first request to the last answer; set when sending is over.</summary>
    public TimeSpan SendingTime => _sendingTime ?? _clock.Elapsed;

    /// <summary>Round trip of every form answered 201, in microseconds.</summary>
    public LongConcurrentHistogram AcceptanceLatency { get; } = new(1, MaxMicroseconds, 3);

    public IReadOnlyDictionary<(SubmissionKind Kind, int Status), long> Answers => _answers;

    /// <summary>Unexpected outcomes by label ("409", "503", "no answer", "wrong body", ...).</summary>
    public IReadOnlyDictionary<string, long> Errors => _errors;

    public IEnumerable<string> ErrorSamples => _errorSamples;

    /// <summary>Requests answered 429 and sent again after the Retry-After (a batch counts once); not errors.</summary>
    public long Throttled => _throttled.Values.Sum();

    public IReadOnlyDictionary<ThrottledArea, long> ThrottledBy => _throttled;

    public void WasThrottled(ThrottledArea area) => _throttled.AddOrUpdate(area, 1, (_, n) => n + 1);

    public void Sending(int forms) => Interlocked.Add(ref _sent, forms);

    public void SendingDone() => _sendingTime ??= _clock.Elapsed;

    public void Answer(SubmissionKind kind, int status, TimeSpan latency)
    {
        Interlocked.Increment(ref _answered);
        _answers.AddOrUpdate((kind, status), 1, (_, n) => n + 1);
        if (status != 201) return;
        Interlocked.Increment(ref _accepted);
        AcceptanceLatency.RecordValue(Math.Clamp((long)(latency.Ticks / 10), 1, MaxMicroseconds));
    }

    public void TpsHasReported() => Interlocked.Increment(ref _tpsReported);

    public void Error(string label, string sample)
    {
        _errors.AddOrUpdate(label, 1, (_, n) => n + 1);
        if (_errorSamples.Count < MaxErrorSamples) _errorSamples.Enqueue(sample);
    }

    public static string StatusLabel(int status) => status == 0 ? "no answer" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
