using KpuOrleans.Hosting;
using Microsoft.AspNetCore.SignalR;

namespace KpuOrleans.Gateway.Live;

public static class ViewerLimitExtensions
{
    private const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    /// <summary>
    /// <see cref="ViewerQuotas"/> and <see cref="InvocationLimit"/> on <see cref="TallyHub"/>. A limit below 1 stops the
    /// start-up, naming its key: it would refuse every viewer.
    /// </summary>
    public static ISignalRServerBuilder AddKpuViewerLimits(this ISignalRServerBuilder signalR, IConfiguration configuration)
    {
        var options = configuration.GetSection(ViewerLimitOptions.Section).Get<ViewerLimitOptions>() ?? new ViewerLimitOptions();
        if (options.Problems().ToList() is [_, ..] problems) throw new SettingsRefusedException(string.Join(" ", problems));
        signalR.Services.AddOptions<ViewerLimitOptions>().Bind(configuration.GetSection(ViewerLimitOptions.Section));
        signalR.Services.AddSingleton<ViewerQuotas>();
        signalR.Services.AddSingleton<InvocationLimit>();
        signalR.Services.AddSingleton<HubCallLog>();
        // HubCallLog logs failed calls instead, refusals quietly; an operator can still turn this back on by its key.
        if (configuration[$"Logging:LogLevel:{DispatcherCategory}"] is null)
            signalR.Services.AddLogging(logging => logging.AddFilter(DispatcherCategory, LogLevel.None));
        signalR.AddHubOptions<TallyHub>(hub =>
        {
            // Outermost the log, which sees every failure; then the quotas, which know a connection before its first
            // call and forget it after everything else; then the rate.
            hub.AddFilter<HubCallLog>();
            hub.AddFilter<ViewerQuotas>();
            hub.AddFilter<InvocationLimit>();
        });
        return signalR;
    }
}
