using System.Diagnostics;
using System.Text.Json.Nodes;
using KpuOrleans.Bench.Systems;
using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Measuring;

/// <summary>
/// The outside-client check: wrk (64 connections, 2 threads) sends the sender's own requests, each form once, with
/// bench/wrk/forms.lua, which reports forms/s and latency as its last line. wrk runs for a fixed time unless
/// interrupted, so it is sent SIGINT once every thread has had all its forms answered.
/// </summary>
internal static class WrkRun
{
    private const int Threads = 2;
    private const string Marker = "wrk-forms: ";

    public static async Task<(JsonObject Report, int ExitCode)> RunAsync(string name, ISystemUnderTest system, IReadOnlyList<string> args, int connections)
    {
        var dump = await SenderProcess.DumpAsync(name, system, args);
        var start = new ProcessStartInfo("wrk",
        [
            $"-t{Threads}", $"-c{connections}", "-d600s", "--timeout", "30s", "--latency", "-s", Path.Combine(Repository.Root, "bench", "wrk", "forms.lua"),
            new Uri(system.Address, "api/v1/results").ToString(), "--", dump, Threads.ToString(),
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk could not be started (apt-get install wrk)");
        var log = Path.Combine(KpuProcess.LogFolder, $"wrk-{name}.log");
        var lines = new List<string>();
        var errors = wrk.StandardError.ReadToEndAsync();
        var done = 0;
        while (await wrk.StandardOutput.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line == Marker + "thread done" && ++done == Threads) Interrupt(wrk.Id);
        }
        await wrk.WaitForExitAsync();
        await File.WriteAllLinesAsync(log, [.. lines, await errors]);
        foreach (var line in lines.Where(l => !l.StartsWith(Marker + "{", StringComparison.Ordinal))) Console.WriteLine(line);
        var figures = lines.LastOrDefault(l => l.StartsWith(Marker + "{", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no figures (exit code {wrk.ExitCode}); see {log}");
        var report = (JsonObject)JsonNode.Parse(figures[Marker.Length..])!;
        var (sent, accepted) = (report["sent"]!.GetValue<long>(), report["accepted"]!.GetValue<long>());
        report["passed"] = sent > 0 && accepted == sent;
        Console.WriteLine($"wrk: {accepted:N0} of {sent:N0} forms accepted in {report["sendingSeconds"]} s: {report["acceptedPerSecond"]} forms/s, " +
                          $"latency p50 {report["acceptanceLatencyMs"]!["p50"]} ms, p99 {report["acceptanceLatencyMs"]!["p99"]} ms");
        return (report, report["passed"]!.GetValue<bool>() ? 0 : 1);
    }

    /// <summary>SIGINT: wrk stops its clock, prints its figures and runs the script's done().</summary>
    private static void Interrupt(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", pid.ToString()]))!;
        kill.WaitForExit();
    }
}
