using Microsoft.AspNetCore.SignalR;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// SignalR logs every failed hub call as an error with its stack trace, a refusal included: a viewer flooding the hub
/// would choose how much the gateway writes. Its dispatcher's log is therefore off (see
/// <see cref="ViewerLimitExtensions.AddKpuViewerLimits"/>) and this logs in its place: a <see cref="HubException"/> is
/// an answer the caller asked for (an unknown region, a limit; refusals are counted in <c>kpu_live_refusals_total</c>)
/// and is logged at Debug; anything else is a fault of ours and stays an error.
/// </summary>
public sealed class HubCallLog(ILogger<HubCallLog> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (HubException e)
        {
            logger.LogDebug("Hub call {Method} refused: {Reason}", invocation.HubMethodName, e.Message);
            throw;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Hub call {Method} failed", invocation.HubMethodName);
            throw;
        }
    }
}
