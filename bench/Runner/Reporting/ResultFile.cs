using System.Text.Json;
using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Reporting;

/// <summary>bench/results/&lt;date&gt;-&lt;machine&gt;.json: every figure of a run with the machine, versions and commit it came from.</summary>
internal static class ResultFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <param name="partial">A run of some scenarios or regions only: named so that it never replaces a full run's file.</param>
    /// <param name="writersAuthenticate">false for a <c>--no-auth</c> run, named so as well: a comparison, not the standard figures.</param>
    /// <param name="registry">The <c>--registry</c> folder as given, named after its last part; null for the default, Jawa Timur.</param>
    public static async Task<string> WriteAsync(MachineFacts machine, IReadOnlyList<ScenarioResult> results, bool partial, bool writersAuthenticate, string? registry = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Repository.Root, "bench", "results")).FullName;
        var registryName = registry is null ? "" : "-" + Path.GetFileName(Path.TrimEndingDirectorySeparator(registry));
        var path = Path.Combine(folder, $"{machine.Date:yyyy-MM-dd}-{machine.Label}{registryName}{(writersAuthenticate ? "" : "-noauth")}{(partial ? "-partial" : "")}.json");
        var document = new
        {
            machine,
            writersAuthenticate,
            registry = registry ?? "data (Jawa Timur)",
            scenarios = results.Select(r => new
            {
                r.Id, r.Title, r.Passed, r.Problem, r.Client, r.Dashboard, r.SimulatorArgs, r.Extra,
                cpu = r.Cpu, simulator = r.Simulator,
                formsPerSecondSpread = r.Spread is { } spread ? new { min = spread.Min, max = spread.Max } : null,
                runs = r.Runs,
            }),
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Json));
        return path;
    }
}
