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

    private long _photosUploaded, _photoBytes, _photosFound, _photosHeldBack, _disputesFiled;

    /// <summary>Pages stored by a PUT answered 201.</summary>
    public long PhotosUploaded => Interlocked.Read(ref _photosUploaded);

    public long PhotoBytes => Interlocked.Read(ref _photoBytes);

    /// <summary>Pages the gateway already had (HEAD 200, or a PUT answered 200): not sent again.</summary>
    public long PhotosFound => Interlocked.Read(ref _photosFound);

    /// <summary>Photo requests answered 503 and asked again after the Retry-After (not errors).</summary>
    public long PhotosHeldBack => Interlocked.Read(ref _photosHeldBack);

    public long DisputesFiled => Interlocked.Read(ref _disputesFiled);

    public void PhotoUploaded(long bytes)
    {
        Interlocked.Increment(ref _photosUploaded);
        Interlocked.Add(ref _photoBytes, bytes);
    }

    public void PhotoFound() => Interlocked.Increment(ref _photosFound);

    public void PhotoHeldBack() => Interlocked.Increment(ref _photosHeldBack);

    public void DisputeFiled() => Interlocked.Increment(ref _disputesFiled);

    public static string StatusLabel(int status) => status == 0 ? "no answer" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
