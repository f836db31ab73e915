using System.Diagnostics;
using KpuOrleans.Bench.Systems;
using KpuOrleans.Registry;

namespace KpuOrleans.Bench.Measuring;

/// <summary>
/// Issue 19's start-up row: what a registry costs to load, twice over. In this process, the load alone (wall time and
/// the managed heap it keeps, after a full collection); and as an operator meets it, the README's embedded system
/// (gateway and silo in one process, in memory) from its process start until it answers <c>GET /api/v1/contests</c>,
/// and its resident memory then. Run once per <c>--repeat</c>; the row is the run with the median time to serving.
/// Comparing a run with <c>--registry data/indonesia</c> against one without gives the country against Jawa Timur.
/// </summary>
internal static class RegistryStartup
{
    public static async Task<ScenarioResult> MeasureAsync(BenchOptions options, string registryName)
    {
        var title = $"Registry start-up: {registryName} loaded in process, and the embedded system from process start to serving, with its memory then";
        Console.WriteLine();
        Console.WriteLine($"== registry-startup: {title}");
        var folder = options.RegistryFolder ?? Path.Combine(TestKit.Repository.Root, "data");
        try
        {
            var runs = new List<Dictionary<string, double>>();
            for (var run = 1; run <= options.Repeat; run++)
            {
                var figures = Load(folder);
                foreach (var (key, value) in await ServeAsync(options)) figures[key] = value;
                Console.WriteLine($"run {run}: loaded in {figures["loadSeconds"]:N2} s, keeping {figures["loadManagedMiB"]:N0} MiB of managed heap; " +
                                  $"the embedded system served after {figures["readySeconds"]:N2} s with {figures["rssMiB"]:N0} MiB resident");
                runs.Add(figures);
            }
            var median = runs.OrderBy(r => r["readySeconds"]).ElementAt((runs.Count - 1) / 2);
            median["runs"] = runs.Count;
            median["readySecondsMin"] = runs.Min(r => r["readySeconds"]);
            median["readySecondsMax"] = runs.Max(r => r["readySeconds"]);
            return new ScenarioResult("registry-startup", title, [], null, null, median, true, null, "embedded start", options.Dashboard);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
        {
            Console.WriteLine($"FAILED: {e.Message}");
            return new ScenarioResult("registry-startup", title, [], null, null, new Dictionary<string, double>(), false, e.Message, "embedded start", options.Dashboard);
        }
    }

    /// <summary>The registry loaded here, as every gateway and silo loads it at its start.</summary>
    private static Dictionary<string, double> Load(string folder)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        var registry = RegionRegistry.Load(RegistryFiles.InFolder(folder));
        var seconds = clock.Elapsed.TotalSeconds;
        var kept = GC.GetTotalMemory(forceFullCollection: true) - before;
        var figures = new Dictionary<string, double>
        {
            ["loadSeconds"] = Math.Round(seconds, 3),
            ["loadManagedMiB"] = Math.Round(kept / 1024.0 / 1024.0, 1),
            ["tps"] = registry.Root.TpsCount,
            ["races"] = registry.Contests.Count,
        };
        GC.KeepAlive(registry);
        return figures;
    }

    private static async Task<Dictionary<string, double>> ServeAsync(BenchOptions options)
    {
        var clock = Stopwatch.StartNew();
        await using var system = await EmbeddedSystem.StartAsync(writersAuthenticate: !options.NoAuth, options.Dashboard, options.RegistryFolder);
        var ready = clock.Elapsed.TotalSeconds;
        var rss = ProcessMemory.RssMiB(system.Processes.Values.Single())
                  ?? throw new InvalidOperationException("the embedded system's process was gone right after it served");
        return new Dictionary<string, double> { ["readySeconds"] = Math.Round(ready, 2), ["rssMiB"] = rss };
    }
}
