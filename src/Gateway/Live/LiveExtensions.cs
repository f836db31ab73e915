using KpuOrleans.Gateway.Protection;

namespace KpuOrleans.Gateway.Live;

public static class LiveExtensions
{
    public static IServiceCollection AddKpuLive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSignalR(hub =>
        {
            // A viewer only ever sends Subscribe/Unsubscribe with two short strings; anything bigger is not a viewer.
            hub.MaximumReceiveMessageSize = 4 * 1024;
            hub.HandshakeTimeout = TimeSpan.FromSeconds(5);
        }).AddMessagePackProtocol().AddKpuViewerLimits(configuration);
        services.AddOptions<LiveOptions>().Bind(configuration.GetSection(LiveOptions.Section));
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveFeed>());
        return services;
    }

    public static WebApplication MapKpuLive(this WebApplication app)
    {
        app.MapHub<TallyHub>("/hubs/tally").RequireRateLimiting(RateLimits.Viewers);
        return app;
    }
}
