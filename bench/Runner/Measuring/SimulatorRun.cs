using System.Text.Json.Nodes;
using KpuOrleans.Bench.Systems;
using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Measuring;

/// <summary>The client of the fan-out rows and the cold start: the project's simulator as a process, its figures read from its JSON report.</summary>
internal static class SimulatorRun
{
    /// <param name="args">The scenario's arguments, as recorded in the results; the system's own (a token key) are added, not recorded.</param>
    public static async Task<(JsonObject Report, int ExitCode)> RunAsync(string name, ISystemUnderTest system, IReadOnlyList<string> args)
    {
        var report = Path.Combine(KpuProcess.LogFolder, $"{name}.json");
        // The simulator signs forms with Auth__SigningKey when it has no --token-key: only the system decides whether it signs.
        var environment = new Dictionary<string, string?> { ["Auth__SigningKey"] = null };
        var simulator = KpuProcess.Program($"simulator-{name}", "tools/Simulator", "KpuOrleans.Simulator.dll", environment,
            [.. args, .. system.ClientArgs, "--target", system.Address.ToString(), "--plain", "--progress-interval", "10", "--report-json", report]);
        var (exitCode, output) = await simulator.RunToEndAsync(TimeSpan.FromMinutes(30));
        var summary = output[(output.LastIndexOf("KpuOrleans simulator:", StringComparison.Ordinal) is var at and >= 0 ? at : 0)..];
        Console.WriteLine(summary.TrimEnd());
        if (!File.Exists(report)) throw new InvalidOperationException($"the simulator wrote no report (exit code {exitCode}); see {simulator.LogPath}");
        return ((JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(report))!, exitCode);
    }
}
