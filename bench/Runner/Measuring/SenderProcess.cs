using System.Text.Json.Nodes;
using KpuOrleans.Bench.Systems;
using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Measuring;

/// <summary>
/// The client of every throughput row: bench/Sender as a process, which sends the simulator's flood from requests
/// built before its clock starts and checks the tallies as the simulator does; its figures read from its JSON report.
/// </summary>
internal static class SenderProcess
{
    /// <param name="args">The scenario's arguments, as recorded in the results; the system's own (a token key) are added, not recorded.</param>
    /// <param name="within">The most the sender may take, preparing and checking included (default 30 minutes).</param>
    public static async Task<(JsonObject Report, int ExitCode)> RunAsync(string name, ISystemUnderTest system, IReadOnlyList<string> args, TimeSpan? within = null)
    {
        var report = Path.Combine(KpuProcess.LogFolder, $"{name}.json");
        await using var sender = Start(name, system, [.. args, "--report-json", report]);
        var limit = within ?? TimeSpan.FromMinutes(30);
        int exitCode;
        string output;
        try
        {
            (exitCode, output) = await sender.RunToEndAsync(limit);
        }
        catch (OperationCanceledException)
        {
            // A failed row, not the end of the suite (the sender is killed as it is disposed).
            throw new TimeoutException($"the sender did not finish within {limit.TotalMinutes:N0} minutes; see {sender.LogPath}");
        }
        var summary = output[(output.LastIndexOf("KpuOrleans sender:", StringComparison.Ordinal) is var at and >= 0 ? at : 0)..];
        Console.WriteLine(summary.TrimEnd());
        if (!File.Exists(report)) throw new InvalidOperationException($"the sender wrote no report (exit code {exitCode}); see {sender.LogPath}");
        return ((JsonObject)JsonNode.Parse(await File.ReadAllTextAsync(report))!, exitCode);
    }

    /// <summary>The requests the sender would send, one line each ("token TAB body"), for wrk (bench/wrk/forms.lua).</summary>
    public static async Task<string> DumpAsync(string name, ISystemUnderTest system, IReadOnlyList<string> args)
    {
        var dump = Path.Combine(KpuProcess.LogFolder, $"{name}-requests.tsv");
        var sender = Start($"{name}-dump", system, [.. args, "--dump", dump]);
        var (exitCode, _) = await sender.RunToEndAsync(TimeSpan.FromMinutes(10));
        return exitCode == 0 ? dump : throw new InvalidOperationException($"the sender could not write the requests (exit code {exitCode}); see {sender.LogPath}");
    }

    private static KpuProcess Start(string name, ISystemUnderTest system, string[] args) =>
        KpuProcess.Program($"sender-{name}", "bench/Sender", "KpuOrleans.Bench.Sender.dll", new Dictionary<string, string?>(),
            [.. args, .. system.ClientArgs, "--target", system.Address.ToString()]);
}
