using System.Text.Json.Nodes;
using KpuOrleans.Bench.Measuring;

namespace KpuOrleans.Bench;

/// <summary>One row of the suite: what ran, the simulator's figures, where the CPU went, and anything measured besides.</summary>
internal sealed record ScenarioResult(
    string Id,
    string Title,
    IReadOnlyList<string> SimulatorArgs,
    JsonObject? Simulator,
    CpuFigures? Cpu,
    IReadOnlyDictionary<string, double> Extra,
    bool Passed,
    string? Problem)
{
    public double? FormsPerSecond => Simulator?["acceptedPerSecond"]?.GetValue<double>();

    public double? SendingSeconds => Simulator?["sendingSeconds"]?.GetValue<double>();

    public double? Latency(string percentile) => Simulator?["acceptanceLatencyMs"]?[percentile]?.GetValue<double>();

    public double? Delivery(string kind, string percentile) => Simulator?["viewers"]?[kind]?[percentile]?.GetValue<double>();
}
