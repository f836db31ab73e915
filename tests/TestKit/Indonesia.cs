using KpuOrleans.Registry;

namespace KpuOrleans.TestKit;

/// <summary>The whole country's registry the project ships (<c>data/indonesia</c>), loaded once per test process.</summary>
public static class Indonesia
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "data", "indonesia");

    private static readonly Lazy<RegionRegistry> Loaded = new(() => RegionRegistry.Load(RegistryFiles.InFolder(Folder)));

    public static RegionRegistry Registry => Loaded.Value;
}
