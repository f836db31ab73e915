using KpuOrleans.Registry;

namespace KpuOrleans.TestKit;

/// <summary>The real East Java registry the project ships, loaded once per test process.</summary>
public static class Jatim
{
    private static readonly Lazy<RegionRegistry> Loaded = new(() =>
        RegionRegistry.Load(RegistryFiles.InFolder(Path.Combine(AppContext.BaseDirectory, "data"))));

    public static RegionRegistry Registry => Loaded.Value;
}
