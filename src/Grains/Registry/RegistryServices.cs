using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Registry;

public static class RegistryServices
{
    private static readonly ConcurrentDictionary<RegistryFiles, Lazy<RegionRegistry>> Loaded = new();

    /// <summary>
    /// Registers the region registry, read from the folder <c>Registry:Path</c> (its older name
    /// <c>Registry:Folder</c> still works; default: the <c>data</c> folder beside the binaries, Jawa Timur) or from the
    /// files named by <c>Registry:RegionsFile</c>, <c>Registry:TpsFile</c> and
    /// <c>Registry:ContestsFile</c>. It is immutable, so one load serves every host in the process.
    /// </summary>
    public static IServiceCollection AddRegionRegistry(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Registry");
        // The folder is looked into only for a file not named on its own.
        var defaults = new Lazy<RegistryFiles>(() => RegistryFiles.InFolder(
            Path.GetFullPath(section["Path"] ?? section["Folder"] ?? Path.Combine(AppContext.BaseDirectory, "data"))));
        var files = new RegistryFiles(
            Path.GetFullPath(section["RegionsFile"] ?? defaults.Value.Regions),
            Path.GetFullPath(section["TpsFile"] ?? defaults.Value.Tps),
            Path.GetFullPath(section["ContestsFile"] ?? defaults.Value.Contests));
        services.AddSingleton(_ => Loaded.GetOrAdd(files, f => new Lazy<RegionRegistry>(() => RegionRegistry.Load(f))).Value);
        return services;
    }
}
