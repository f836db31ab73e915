using KpuOrleans.Hosting;

namespace KpuOrleans.Gateway.Ingest;

public static class IngestExtensions
{
    /// <summary>The <see cref="FormCourier"/>, its <c>Ingest</c> settings refused at start-up when out of range.</summary>
    public static IServiceCollection AddKpuFormCourier(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(IngestOptions.Section).Get<IngestOptions>() ?? new IngestOptions();
        if (options.Problems().ToList() is [_, ..] problems) throw new SettingsRefusedException(string.Join(" ", problems));
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection(IngestOptions.Section));
        services.AddSingleton<FormCourier>();
        return services;
    }
}
