using KpuOrleans.Gateway.Protection;
using KpuOrleans.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KpuOrleans.Gateway.Live;

public static class LiveExtensions
{
    /// <summary>
    /// What a viewer's transport may hold for it before the server stops writing and waits (SignalR's buffer between
    /// the hub and the WebSocket); Kestrel's own response buffer (<see cref="SlowClients"/>) and the kernel's socket
    /// buffer come on top. Tally messages are a few hundred bytes, so this is dozens of them.
    /// </summary>
    public const int TransportBufferBytes = 32 * 1024;

    /// <summary>What a viewer may have sent that the hub has not read yet: a few of its largest messages.</summary>
    public const int ApplicationBufferBytes = 16 * 1024;

    public static IServiceCollection AddKpuLive(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(LiveOptions.Section).Get<LiveOptions>() ?? new LiveOptions();
        if (options.Problems().ToList() is [_, ..] problems) throw new SettingsRefusedException(string.Join(" ", problems));
        services.AddSignalR(hub =>
        {
            // A viewer only ever sends Subscribe/Unsubscribe with two short strings; anything bigger is not a viewer.
            hub.MaximumReceiveMessageSize = 4 * 1024;
            hub.HandshakeTimeout = TimeSpan.FromSeconds(5);
        }).AddMessagePackProtocol().AddKpuViewerLimits(configuration);
        services.AddOptions<LiveOptions>().Bind(configuration.GetSection(LiveOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Viewers>();
        services.AddSingleton<HubLifetimeManager<TallyHub>>(provider => provider.GetRequiredService<Viewers>());
        services.AddSingleton<AnomalyFeed>();
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveFeed>());
        return services;
    }

    public static WebApplication MapKpuLive(this WebApplication app)
    {
        app.MapHub<TallyHub>("/hubs/tally", connection =>
        {
            connection.TransportMaxBufferSize = TransportBufferBytes;
            connection.ApplicationMaxBufferSize = ApplicationBufferBytes;
        }).RequireRateLimiting(RateLimits.Viewers);
        return app;
    }
}
