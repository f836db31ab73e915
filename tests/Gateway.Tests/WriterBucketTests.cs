using System.Threading.RateLimiting;
using KpuOrleans.Gateway.Protection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// The per-writer limit in one fixed table: each writer gets its burst and then its rate, with the Retry-After the
/// token bucket gave before; writers do not eat each other's budget; 100,000 writers cost no memory per writer.
/// </summary>
public class WriterBucketTests
{
    private const int PerSecond = 10;
    private const int Burst = 100;

    /// <summary>A monotonic clock that moves only when told, in ticks of 100 ns.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private static WriterBuckets Buckets(TimeProvider clock, int size = WriterBuckets.DefaultSize) =>
        new(PerSecond, Burst, size, clock, _ => null);

    private static int Taken(WriterBuckets buckets, string writer, int attempts)
    {
        var taken = 0;
        for (var i = 0; i < attempts; i++)
        {
            using var lease = buckets.Take(writer);
            if (lease.IsAcquired) taken++;
        }
        return taken;
    }

    [Fact]
    public void A_writer_gets_its_burst_then_its_rate_and_a_refusal_says_retry_after_one_second()
    {
        var clock = new SteppedClock();
        var buckets = Buckets(clock);

        Assert.Equal(Burst, Taken(buckets, "ppk-35.78.01", Burst + 50));
        using var refused = buckets.Take("ppk-35.78.01");
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);

        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, Taken(buckets, "ppk-35.78.01", 5));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(PerSecond, Taken(buckets, "ppk-35.78.01", 50));
        clock.Advance(TimeSpan.FromSeconds(3.5));
        Assert.Equal(3 * PerSecond, Taken(buckets, "ppk-35.78.01", 50));
        // A quiet writer fills up to the burst, no further.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(Burst, Taken(buckets, "ppk-35.78.01", Burst + 50));
    }

    [Fact]
    public void A_writer_over_its_limit_leaves_other_writers_their_whole_burst()
    {
        var buckets = Buckets(new SteppedClock());
        Assert.Equal(Burst, Taken(buckets, "kabkota-35.78", Burst + 20));

        // Any writer but one whose name shares the first's slot, which 1 in 262,144 does.
        Assert.Equal(Burst, Taken(buckets, "kabkota-35.77", Burst + 20));
    }

    [Fact]
    public void Writers_whose_names_share_a_slot_share_one_bucket_so_a_collision_is_only_stricter()
    {
        var buckets = Buckets(new SteppedClock(), size: 1);

        Assert.Equal(60, Taken(buckets, "pps-1", 60));
        Assert.Equal(Burst - 60, Taken(buckets, "pps-2", Burst));
    }

    [Fact]
    public void A_hundred_thousand_writers_are_each_served_and_cost_no_memory_per_writer()
    {
        var buckets = Buckets(new SteppedClock());
        var writers = Enumerable.Range(0, 100_000).Select(i => $"kpps-{i:D6}").ToArray();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var served = writers.Count(writer => buckets.Take(writer).IsAcquired);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100_000, served);
        // A partition per writer (a limiter, its timer, its options) was hundreds of bytes each: tens of megabytes here.
        Assert.True(allocated < 64 * 1024, $"{allocated:N0} bytes allocated for 100,000 writers");
        Assert.Equal(WriterBuckets.DefaultSize, buckets.Size);
    }
}
