namespace KpuOrleans.Gateway.Live;

public static class LiveExtensions
{
    public static IServiceCollection AddKpuLive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSignalR().AddMessagePackProtocol();
        services.AddOptions<LiveOptions>().Bind(configuration.GetSection(LiveOptions.Section));
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveFeed>());
        return services;
    }

    public static WebApplication MapKpuLive(this WebApplication app)
    {
        app.MapHub<TallyHub>("/hubs/tally");
        return app;
    }
}
