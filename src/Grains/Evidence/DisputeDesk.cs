using KpuOrleans.Tps;
using Orleans.Concurrency;

namespace KpuOrleans.Evidence;

/// <summary>
/// Stateless: the register holds every report and keeps "one open report per reporter, TPS and contest" itself, so any
/// number of activations on any silos answer alike.
/// </summary>
[StatelessWorker]
public sealed class DisputeDesk(IDisputeRegister register, TimeProvider clock) : Grain, IDisputeDesk
{
    public const string Corrected = "corrected";
    public const string Dismissed = "dismissed";

    public async Task<DisputeOpening> Open(DisputeReport report, string reporter)
    {
        var version = await CurrentVersion(report.Tps, report.Contest);
        if (version is null) return new DisputeOpening(DisputeOpeningStatus.NothingAccepted, null);
        var (dispute, opened) = await register.OpenAsync(report.Tps, report.Contest, version.Value, report.Field, report.Note,
            reporter, clock.GetUtcNow());
        // Told on a repeat as well: a retry after a lost answer may be all that carries the news to the TPS, and the TPS
        // reads its counts again rather than adding to them, so telling it twice changes nothing.
        await TpsOf(dispute).EvidenceChanged(dispute.Contest);
        return new DisputeOpening(opened ? DisputeOpeningStatus.Opened : DisputeOpeningStatus.AlreadyOpen, dispute);
    }

    public async Task<Dispute?> Get(long id) => await register.GetAsync(id);

    public async Task<DisputeResolving> Resolve(long id, DisputeResolution resolution)
    {
        if (await register.GetAsync(id) is not { } dispute) return new DisputeResolving(DisputeResolvingStatus.NotFound, null);
        if (dispute.Resolution is { } recorded) return await Settled(dispute, recorded, resolution);
        if (resolution.Outcome == Corrected)
        {
            var current = await CurrentVersion(dispute.Tps, dispute.Contest) ?? 0;
            if (resolution.Version is not { } version || version <= dispute.Version || version > current)
                return new DisputeResolving(DisputeResolvingStatus.NoSuchCorrection, dispute,
                    current > dispute.Version
                        ? $"The report is about version {dispute.Version}; a correction settling it is an accepted version from {dispute.Version + 1} to {current}."
                        : $"The report is about version {dispute.Version}, the latest accepted at {dispute.Tps}; no correction has been accepted since.");
        }
        var (stored, resolved) = await register.ResolveAsync(id, resolution with { At = clock.GetUtcNow() });
        // Another resolution got there first (two officers at once): judged as if it had been recorded before.
        if (!resolved) return await Settled(stored, stored.Resolution!, resolution);
        await TpsOf(stored).EvidenceChanged(stored.Contest);
        return new DisputeResolving(DisputeResolvingStatus.Resolved, stored);
    }

    public async Task<Dispute[]> List(string region, bool? open, int limit) => [.. await register.ListAsync(region, open, limit)];

    /// <summary>
    /// The same outcome with the same reason or version is a retry, whoever sends it, and tells the TPS again (as a
    /// repeated opening does); anything else conflicts.
    /// </summary>
    private async Task<DisputeResolving> Settled(Dispute dispute, DisputeResolution recorded, DisputeResolution asked)
    {
        if (recorded.Outcome != asked.Outcome || recorded.Reason != asked.Reason || recorded.Version != asked.Version)
            return new DisputeResolving(DisputeResolvingStatus.Conflict, dispute);
        await TpsOf(dispute).EvidenceChanged(dispute.Contest);
        return new DisputeResolving(DisputeResolvingStatus.Repeated, dispute);
    }

    /// <returns>The TPS's latest accepted version of the contest; null when none is.</returns>
    private async Task<long?> CurrentVersion(string tps, string contest) =>
        await GrainFactory.GetGrain<ITpsGrain>(tps).GetTally(contest) is { Tally.Version: > 0 } tally ? tally.Tally.Version : null;

    private ITpsGrain TpsOf(Dispute dispute) => GrainFactory.GetGrain<ITpsGrain>(dispute.Tps);
}
