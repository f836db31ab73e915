using KpuOrleans.Hosting;
using Microsoft.AspNetCore.SignalR;

namespace KpuOrleans.Gateway.Live;

public static class ViewerLimitExtensions
{
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
        signalR.AddHubOptions<TallyHub>(hub =>
        {
            // The quotas first: a connection is known to them before its first call, and forgotten after everything else.
            hub.AddFilter<ViewerQuotas>();
            hub.AddFilter<InvocationLimit>();
        });
        return signalR;
    }
}
