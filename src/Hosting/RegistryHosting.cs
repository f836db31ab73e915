using KpuOrleans.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Hosting;

public static class RegistryHosting
{
    /// <summary>
    /// The region registry, refusing to start when its folder or files cannot be found: a mistyped
    /// <c>Registry__Path</c> stops the process naming it, rather than crashing later with a stack trace.
    /// </summary>
    public static IServiceCollection AddKpuRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        try
        {
            return services.AddRegionRegistry(configuration);
        }
        catch (IOException e)
        {
            throw new SettingsRefusedException($"Registry__Path (or Registry__Folder, Registry__*File): {e.Message}");
        }
    }
}
