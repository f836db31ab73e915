using System.Text.Json.Nodes;
using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Measuring;

/// <summary>The one client of every scenario: the project's simulator as a process, its figures read from its JSON report.</summary>
internal static class SimulatorRun
{
    public static async Task<(JsonObject Report, int ExitCode)> RunAsync(string name, Uri target, IReadOnlyList<string> args)
    {
        var report = Path.Combine(KpuProcess.LogFolder, $"{name}.json");
        var simulator = KpuProcess.Program($"simulator-{name}", "tools/Simulator", "KpuOrleans.Simulator.dll", new Dictionary<string, string?>(),
            [.. args, "--target", target.ToString(), "--plain", "--progress-interval", "10", "--report-json", report]);
        var (exitCode, output) = await simulator.RunToEndAsync(TimeSpan.FromMinutes(30));
        var summary = output[(output.LastIndexOf("KpuOrleans simulator:", StringComparison.Ordinal) is var at and >= 0 ? at : 0)..];
        Console.WriteLine(summary.TrimEnd());
        if (!File.Exists(report)) throw new InvalidOperationException($"the simulator wrote no report (exit code {exitCode}); see {simulator.LogPath}");
        return ((JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(report))!, exitCode);
    }
}
