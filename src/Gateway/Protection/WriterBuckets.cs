using System.Threading.RateLimiting;

namespace KpuOrleans.Gateway.Protection;

/// <summary>
/// The per-writer token buckets (<see cref="RateLimitOptions.WriterBurst"/> at once, then
/// <see cref="RateLimitOptions.WriterRequestsPerSecond"/> a second) in one fixed table, refilled when next used
/// rather than by a timer each: a night's tens of thousands of writers cost no more memory than the table, and nothing
/// runs for a writer who has gone quiet.
/// </summary>
/// <remarks>
/// A writer's bucket is the slot its name hashes to (a per-process randomised hash, so no one can aim at another's
/// slot). Two writers whose names share a slot share its bucket: a collision can only make their limit stricter, never
/// looser. With <see cref="DefaultSize"/> slots and 60,000 writers, most writers have a bucket to themselves, and two
/// officers sharing one still have a burst far above the few forms each sends.
/// </remarks>
public sealed class WriterBuckets : PartitionedRateLimiter<HttpContext>
{
    /// <summary>Slots in the table (16 bytes each: 4 MiB).</summary>
    public const int DefaultSize = 1 << 18;

    private static readonly RateLimitLease Taken = new Lease(true, null);

    private readonly Bucket[] _buckets;
    private readonly Lock[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new Lock())];
    private readonly int _perPeriod;
    private readonly int _burst;
    private readonly long _period;
    private readonly TimeProvider _clock;
    private readonly Func<HttpContext, string?> _writerOf;

    /// <param name="writerOf">The writer a request counts against; null for requests this table does not limit.</param>
    public WriterBuckets(int perSecond, int burst, int size, TimeProvider clock, Func<HttpContext, string?> writerOf)
        : this(perSecond, TimeSpan.FromSeconds(1), burst, size, clock, writerOf)
    {
    }

    /// <summary>A table refilled with <paramref name="perPeriod"/> tokens every <paramref name="period"/> (disputes: per hour, by address).</summary>
    public WriterBuckets(int perPeriod, TimeSpan period, int burst, int size, TimeProvider clock, Func<HttpContext, string?> writerOf)
    {
        _buckets = new Bucket[size];
        _perPeriod = perPeriod;
        _burst = burst;
        _clock = clock;
        _period = (long)(period.TotalSeconds * clock.TimestampFrequency);
        _writerOf = writerOf;
    }

    private struct Bucket
    {
        public long Refilled;
        public int Tokens;
        public bool Used;
    }

    public int Size => _buckets.Length;

    /// <summary>Takes <paramref name="permits"/> from the writer's bucket, or says how long until it holds them.</summary>
    public RateLimitLease Take(string writer, int permits = 1)
    {
        var slot = (int)((uint)writer.GetHashCode() % (uint)_buckets.Length);
        var now = _clock.GetTimestamp();
        lock (_locks[slot % _locks.Length])
        {
            ref var bucket = ref _buckets[slot];
            if (!bucket.Used)
            {
                bucket = new Bucket { Refilled = now, Tokens = _burst, Used = true };
            }
            else if (now - bucket.Refilled >= _period)
            {
                // Whole periods only, as a replenishing timer would add them: a token bucket's refill, paid when used.
                var periods = (now - bucket.Refilled) / _period;
                bucket.Tokens = (int)Math.Min(_burst, bucket.Tokens + periods * _perPeriod);
                bucket.Refilled += periods * _period;
            }
            if (bucket.Tokens >= permits && (permits > 0 || bucket.Tokens > 0))
            {
                bucket.Tokens -= permits;
                return Taken;
            }
            // As System.Threading.RateLimiting's token bucket says it: whole refill periods, at least one.
            var periodsNeeded = Math.Max((permits - bucket.Tokens) / _perPeriod, 1);
            return new Lease(false, _clock.GetElapsedTime(0, periodsNeeded * _period));
        }
    }

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        _writerOf(resource) is { } writer ? Take(writer, permitCount) : Taken;

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
