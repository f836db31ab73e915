using System.Text.Json.Nodes;
using KpuOrleans.Bench.Measuring;

namespace KpuOrleans.Bench;

/// <summary>One row of the suite: what ran, the client's figures, where the CPU went, and anything measured besides.</summary>
/// <param name="SimulatorArgs">The client's arguments (the name kept from when the simulator was every row's client).</param>
/// <param name="Simulator">The client's JSON report (simulator, sender or wrk alike: the same field names).</param>
/// <param name="Client">Who sent the load: <c>sender</c> (bench/Sender), <c>simulator</c> or <c>wrk</c>.</param>
/// <param name="Dashboard">Whether the Orleans dashboard was on; null for a system without one (the baselines).</param>
/// <param name="Runs">Each run of a repeated row, in the order run; the row's own figures are the median run's.</param>
internal sealed record ScenarioResult(
    string Id,
    string Title,
    IReadOnlyList<string> SimulatorArgs,
    JsonObject? Simulator,
    CpuFigures? Cpu,
    IReadOnlyDictionary<string, double> Extra,
    bool Passed,
    string? Problem,
    string Client = "simulator",
    bool? Dashboard = null,
    IReadOnlyList<RunFigures>? Runs = null)
{
    public double? FormsPerSecond => Simulator?["acceptedPerSecond"]?.GetValue<double>();

    public double? SendingSeconds => Simulator?["sendingSeconds"]?.GetValue<double>();

    public double? Latency(string percentile) => Simulator?["acceptanceLatencyMs"]?[percentile]?.GetValue<double>();

    public double? Delivery(string kind, string percentile) => Simulator?["viewers"]?[kind]?[percentile]?.GetValue<double>();

    /// <summary>The slowest and fastest run's forms/s; null for a row run once.</summary>
    public (double Min, double Max)? Spread =>
        Runs is { Count: > 1 } runs && runs.Select(r => r.FormsPerSecond).OfType<double>().ToList() is { Count: > 0 } figures
            ? (figures.Min(), figures.Max())
            : null;

    /// <summary>
    /// One row from its runs: the median run's figures (by forms/s; of an even count, the lower middle: a real run,
    /// not an average), the spread of all, and failed if any run failed.
    /// </summary>
    public static ScenarioResult Median(IReadOnlyList<ScenarioResult> runs)
    {
        var ordered = runs.OrderBy(r => r.FormsPerSecond ?? -1).ToList();
        var median = ordered[(ordered.Count - 1) / 2];
        var failed = runs.FirstOrDefault(r => !r.Passed);
        return median with
        {
            Passed = failed is null,
            Problem = failed is null ? null : $"run {runs.ToList().IndexOf(failed) + 1} of {runs.Count}: {failed.Problem}",
            Runs = [.. runs.Select(RunFigures.Of)],
        };
    }
}

/// <summary>One run's headline figures, kept for a repeated row's spread.</summary>
internal sealed record RunFigures(double? FormsPerSecond, double? SendingSeconds, double? P50Ms, double? P99Ms, double? MaxMs, bool Passed)
{
    public static RunFigures Of(ScenarioResult run) =>
        new(run.FormsPerSecond, run.SendingSeconds, run.Latency("p50"), run.Latency("p99"), run.Latency("max"), run.Passed);
}
