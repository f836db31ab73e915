using System.Net;
using System.Net.Http.Headers;
using KpuOrleans.Simulator.Sending;

namespace KpuOrleans.Simulator.Throttling;

/// <summary>Whose limit a 429 came from, for the report: the officers' writes, the public's reads, the viewers' hub connections.</summary>
internal enum ThrottledArea
{
    Writes,
    Reads,
    Viewers,
}

/// <summary>
/// The gateway's rate limits (per writer token, per client address) answer 429 Too Many Requests with Retry-After.
/// That says nothing about the form or the tally asked for, so it is neither an answer nor a failure: the simulator
/// waits as told and sends the same request again, as a real client would, and counts every 429 so that a run shows
/// how often it was held back. Only a request still refused after <see cref="Patience"/> of waiting gets the 429 as
/// its answer, so that a limit the run can never get under (more viewers than the address may connect) ends it.
/// </summary>
internal sealed class Throttle(RunStats stats, TimeSpan? patience = null)
{
    /// <summary>A 429 without Retry-After.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(1);

    /// <summary>A Retry-After far off is a misconfigured limit, not a reason to stall a run for minutes at a time.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    public TimeSpan Patience { get; } = patience ?? TimeSpan.FromMinutes(5);

    /// <summary>
    /// Sends <paramref name="request"/> until the answer is not a 429. The factory is called for every send: a request
    /// message is sent once, and the caller learns when the last send began.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpClient http, Func<HttpRequestMessage> request, ThrottledArea area, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            using var message = request();
            var response = await http.SendAsync(message, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || waited >= Patience) return response;
            var wait = WaitFor(response.Headers.RetryAfter, DateTimeOffset.UtcNow);
            response.Dispose();
            waited += await WaitAsync(area, wait, cancellationToken);
        }
    }

    /// <summary>Retry-After as seconds or as a date, within [0, <see cref="LongestWait"/>]; <see cref="DefaultWait"/> without one.</summary>
    public static TimeSpan WaitFor(RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : DefaultWait);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestWait ? LongestWait : wait;
    }

    private async Task<TimeSpan> WaitAsync(ThrottledArea area, TimeSpan wait, CancellationToken cancellationToken)
    {
        stats.WasThrottled(area);
        await Task.Delay(wait, cancellationToken);
        return wait;
    }
}
