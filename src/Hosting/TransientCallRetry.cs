using Microsoft.Extensions.Logging;

namespace KpuOrleans.Hosting;

/// <summary>
/// A client's grain call that fails because its silo is leaving (scale-in, rolling update) or just left is sent again,
/// a few times within about two seconds: by then the cluster has moved the grain. A call that timed out (its silo died
/// with it, or dropped it while stopping) is sent once more: by then the cluster has noticed a dead silo. Safe because
/// every call a client makes is idempotent: forms carry their version (a repeated form is a retry, API.md), the rest
/// are reads and watch renewals. Without it, each graceful scale-in would turn into a burst of 503s for the officers.
/// </summary>
public sealed class TransientCallRetry(ILogger<TransientCallRetry> logger) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(1000)];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        for (var attempt = 0; ; attempt++)
        {
            Exception? failure;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception;
            }
            catch (Exception e)
            {
                failure = e;
            }
            if (failure is null) return;
            if (attempt >= Backoff.Length || !IsTransient(failure) || (failure is TimeoutException && attempt > 0))
            {
                if (context.Response?.Exception is null) throw failure;
                return; // the failed response goes to the caller as it came
            }
            logger.LogInformation("{Interface}.{Method} failed with {Error}; retrying in {Delay} ms",
                context.InterfaceName, context.MethodName, failure.GetType().Name, Backoff[attempt].TotalMilliseconds);
            if (failure is not TimeoutException) await Task.Delay(Backoff[attempt]);
        }
    }

    private static bool IsTransient(Exception e) => e is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException;
}
