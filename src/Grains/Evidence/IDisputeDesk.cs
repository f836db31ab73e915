namespace KpuOrleans.Evidence;

/// <summary>
/// Where gateways open, read and resolve disputes: on a silo, because a gateway of a cluster does not write to the
/// database, and because opening or resolving one must tell its TPS (whose tally counts the open reports).
/// </summary>
public interface IDisputeDesk : IGrainWithIntegerKey
{
    /// <param name="reporter">The keyed hash of the reporter's address (never the address).</param>
    Task<DisputeOpening> Open(DisputeReport report, string reporter);

    Task<Dispute?> Get(long id);

    Task<DisputeResolving> Resolve(long id, DisputeResolution resolution);

    /// <inheritdoc cref="IDisputeRegister.ListAsync"/>
    Task<Dispute[]> List(string region, bool? open, int limit);
}

/// <summary>What a reporter says: the field that differs from the photo and what the photo shows.</summary>
[GenerateSerializer, Immutable, Alias("kpu.DisputeReport")]
public sealed record DisputeReport(
    [property: Id(0)] string Tps,
    [property: Id(1)] string Contest,
    [property: Id(2)] string Field,
    [property: Id(3)] string Note);

public enum DisputeOpeningStatus
{
    Opened,
    /// <summary>The reporter has an open report for the TPS and contest already: <see cref="DisputeOpening.Dispute"/> is it.</summary>
    AlreadyOpen,
    /// <summary>Nothing is accepted at the TPS for the contest: there are no numbers to dispute.</summary>
    NothingAccepted,
}

[GenerateSerializer, Immutable, Alias("kpu.DisputeOpening")]
public sealed record DisputeOpening(
    [property: Id(0)] DisputeOpeningStatus Status,
    [property: Id(1)] Dispute? Dispute);

public enum DisputeResolvingStatus
{
    Resolved,
    /// <summary>The same resolution was recorded before: the report is unchanged.</summary>
    Repeated,
    /// <summary>Another resolution is recorded: <see cref="DisputeResolving.Dispute"/> carries it.</summary>
    Conflict,
    NotFound,
    /// <summary>A correction that is not an accepted version above the reported one (<see cref="DisputeResolving.Detail"/> says).</summary>
    NoSuchCorrection,
}

[GenerateSerializer, Immutable, Alias("kpu.DisputeResolving")]
public sealed record DisputeResolving(
    [property: Id(0)] DisputeResolvingStatus Status,
    [property: Id(1)] Dispute? Dispute,
    [property: Id(2)] string? Detail = null);
