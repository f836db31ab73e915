using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Registry;

public static class RegistryServices
{
    private static readonly ConcurrentDictionary<RegistryFiles, Lazy<RegionRegistry>> Loaded = new();

    /// <summary>
    /// Registers the region registry, read from <c>Registry:Folder</c> (default: the <c>data</c> folder beside the
    /// binaries) or from the files named by <c>Registry:RegionsFile</c>, <c>Registry:TpsFile</c> and
    /// <c>Registry:ContestsFile</c>. It is immutable, so one load serves every host in the process.
    /// </summary>
    public static IServiceCollection AddRegionRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Registry");
        var defaults = RegistryFiles.InFolder(section["Folder"] ?? Path.Combine(AppContext.BaseDirectory, "data"));
        var files = new RegistryFiles(
            Path.GetFullPath(section["RegionsFile"] ?? defaults.Regions),
            Path.GetFullPath(section["TpsFile"] ?? defaults.Tps),
            Path.GetFullPath(section["ContestsFile"] ?? defaults.Contests));
        services.AddSingleton(_ => Loaded.GetOrAdd(files, f => new Lazy<RegionRegistry>(() => RegionRegistry.Load(f))).Value);
        return services;
    }
}
