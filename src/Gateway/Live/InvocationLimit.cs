using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// Hub calls per connection: a token bucket of <see cref="ViewerLimitOptions.InvocationBurst"/> refilled at
/// <see cref="ViewerLimitOptions.InvocationsPerSecond"/>. A call over it fails at once with a 429-style hub error
/// naming when to retry, before it reaches a grain; the connection stays open. The HTTP rate limiter cannot do this:
/// a WebSocket is one request however many calls travel on it.
/// </summary>
public sealed class InvocationLimit(IOptions<ViewerLimitOptions> options) : IHubFilter
{
    /// <summary>The connection's bucket in its <see cref="HubCallerContext.Items"/>: it goes when the connection goes.</summary>
    private static readonly object BucketKey = new();

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        context.Context.Items[BucketKey] = new CallBucket(options.Value.InvocationsPerSecond, options.Value.InvocationBurst);
        return next(context);
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocation.Context.Items.TryGetValue(BucketKey, out var value) && value is CallBucket bucket && !bucket.TryTake(out var retryAfter))
            throw TooManyRequests.Refusal(TooManyRequests.InvocationRate,
                $"a connection may make {options.Value.InvocationsPerSecond} hub calls a second, in bursts of up to {options.Value.InvocationBurst} " +
                $"(Live:InvocationsPerSecond, Live:InvocationBurst); retry after {retryAfter} s.");
        return next(invocation);
    }

    /// <summary>Refills lazily on each take: no timer per connection, and a refused call takes nothing.</summary>
    private sealed class CallBucket(int perSecond, int burst)
    {
        private readonly Lock _gate = new();
        private double _tokens = burst;
        private long _at = Stopwatch.GetTimestamp();

        public bool TryTake(out int retryAfterSeconds)
        {
            lock (_gate)
            {
                var now = Stopwatch.GetTimestamp();
                _tokens = Math.Min(burst, _tokens + Stopwatch.GetElapsedTime(_at, now).TotalSeconds * perSecond);
                _at = now;
                if (_tokens >= 1)
                {
                    _tokens--;
                    retryAfterSeconds = 0;
                    return true;
                }
                retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((1 - _tokens) / perSecond));
                return false;
            }
        }
    }
}
