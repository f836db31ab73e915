using KpuOrleans.Telemetry;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Api.Export;

/// <summary>
/// Export downloads in flight on this gateway, bounded (<see cref="ExportOptions.MaxConcurrentDownloads"/>): each
/// holds a connection and pushes megabytes, so past the bound a reader is told to come back (503, Retry-After)
/// instead of queueing.
/// </summary>
public sealed class ExportDownloads(IOptions<ExportOptions> options)
{
    public const string RetryAfterSeconds = "5";

    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) <= options.Value.MaxConcurrentDownloads)
        {
            KpuMetrics.ExportDownloads.Add(1);
            return true;
        }
        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    /// <summary>Leaves when the response is done (sent, dropped or aborted).</summary>
    public IDisposable Slot() => new Leaving(this);

    public IResult Refused()
    {
        var problem = Problems.Create(503, "Too many export downloads",
            $"This gateway is already sending {options.Value.MaxConcurrentDownloads} exports; try again in {RetryAfterSeconds} s.");
        return new RetryAfter(Problems.Result(problem));
    }

    private sealed class Leaving(ExportDownloads downloads) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) != 0) return;
            Interlocked.Decrement(ref downloads._inFlight);
            KpuMetrics.ExportDownloads.Add(-1);
        }
    }

    private sealed class RetryAfter(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds;
            return inner.ExecuteAsync(http);
        }
    }
}
