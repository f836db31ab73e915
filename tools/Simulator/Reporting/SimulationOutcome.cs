using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Live;
using KpuOrleans.Simulator.Sending;

namespace KpuOrleans.Simulator.Reporting;

/// <summary>The viewers that stopped reading mid-run, and what became of the connections.</summary>
/// <param name="Disconnected">Stalled viewers the gateway had dropped by the end.</param>
/// <param name="ReadersDisconnected">Reading viewers whose connection ended before the run did.</param>
internal sealed record StalledViewers(int Count, int Disconnected, int ReadersDisconnected);

/// <summary>Everything a run found, and whether it passes.</summary>
internal sealed record SimulationOutcome(
    RunStats Stats,
    CheckReport Check,
    int UnresolvedForms,
    int Viewers,
    long ViewerMessages,
    IReadOnlyList<string> ViewerProblems,
    DeliveryReport? Delivery,
    StalledViewers? Stalled = null,
    Viewers.ViewerClientCost? ViewerClient = null,
    PhotoPresence? Photos = null)
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int UsageError = 2;
    public const int Interrupted = 130;

    /// <summary>Why the run fails; empty when it passes.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            var failures = new List<string>();
            if (Stats.ErrorCount > 0) failures.Add($"{Stats.ErrorCount:N0} unexpected answers");
            if (UnresolvedForms > 0) failures.Add($"{UnresolvedForms:N0} forms never answered");
            if (Photos is { Clean: false } photos) failures.Add($"{photos.Missing.Count:N0} cited photos not stored at the end");
            if (!Check.Clean) failures.Add($"{Check.Mismatches.Count:N0} tallies differ from the recount");
            if (ViewerProblems.Count > 0) failures.Add($"{ViewerProblems.Count:N0} subscriptions did not end on the recount");
            if (Delivery is { Problems.Count: > 0 } delivery) failures.Add($"{delivery.Problems.Count:N0} subscriptions showed more than was accepted");
            return failures;
        }
    }

    public int ExitCode => Failures.Count == 0 ? Passed : Failed;
}
