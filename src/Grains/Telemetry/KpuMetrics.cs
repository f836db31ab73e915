using System.Diagnostics.Metrics;

namespace KpuOrleans.Telemetry;

/// <summary>
/// The system's own instruments, exported with Orleans' and ASP.NET Core's at <c>/metrics</c> (README, "Watch the
/// cluster"). Static like Orleans' own: a process has one of each, whichever host (silo, gateway, embedded) runs it.
/// </summary>
public static class KpuMetrics
{
    public const string MeterName = "KpuOrleans";

    private static readonly Meter Meter = new(MeterName, typeof(KpuMetrics).Assembly.GetName().Version?.ToString());

    // Seconds, from a millisecond to the 10 s response timeout: the exporter's default buckets assume milliseconds.
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Forms the gateway acknowledged (200/201), by <c>outcome</c>: <c>new</c> (a new version) or <c>retry</c>.</summary>
    public static readonly Counter<long> FormsAccepted = Meter.CreateCounter<long>(
        "kpu.forms.accepted", "{form}", "Forms acknowledged, by outcome (new version or retry of an accepted one)");

    /// <summary>
    /// Refusals by <c>rule</c>: API.md's rule number (a form breaking two rules counts under both), <c>photo</c>,
    /// <c>malformed</c> (400, or a batch that is not one), <c>too-large</c> (413), <c>scope</c> (403),
    /// <c>rate-limited</c> (429), <c>correction-limit</c> (429: a TPS's corrections), <c>conflict</c> (409), <c>unavailable</c> (503),
    /// <c>outcome-unknown</c> (503, the form may be stored) or <c>ledger</c> (422: the ledger refused a form that kept every rule).
    /// </summary>
    public static readonly Counter<long> FormsRejected = Meter.CreateCounter<long>(
        "kpu.forms.rejected", "{form}", "Forms refused, by the rule they break (or malformed, conflict, unavailable)");

    public static readonly Histogram<double> AcceptanceDuration = Meter.CreateHistogram(
        "kpu.forms.acceptance.duration", "s", "From a form's arrival at the gateway to its acknowledgement (durable by then)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    public static readonly Histogram<int> LedgerBatchSize = Meter.CreateHistogram(
        "kpu.ledger.batch.size", "{form}", "Forms written to the ledger in one transaction (group commit)",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500] });

    /// <summary>Forms one gateway→silo call carried (the gateway's FormCourier): above 1, the hop is batched.</summary>
    public static readonly Histogram<int> IngestBatchSize = Meter.CreateHistogram(
        "kpu.ingest.batch.size", "{form}", "Forms a gateway sent to the silo in one call",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000] });

    public static readonly Histogram<double> LedgerCommitDuration = Meter.CreateHistogram(
        "kpu.ledger.commit.duration", "s", "Time to write and commit one ledger batch",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    /// <summary>Child reports a region grain applied, by the receiving <c>level</c>; rate() gives reports per second.</summary>
    public static readonly Counter<long> RegionReports = Meter.CreateCounter<long>(
        "kpu.region.reports", "{report}", "Child reports applied by region grains, by level");

    /// <summary>Live subscriptions (a connection following one contest in one region) held by this gateway.</summary>
    public static readonly UpDownCounter<long> LiveSubscriptions = Meter.CreateUpDownCounter<long>(
        "kpu.live.subscriptions", "{subscription}", "Live hub subscriptions held by this gateway");

    /// <summary>Live messages replaced by a newer one (or dropped from a full anomaly queue) before a viewer took them.</summary>
    public static readonly Counter<long> LiveMessagesSuperseded = Meter.CreateCounter<long>(
        "kpu.live.messages.superseded", "{message}", "Live messages a viewer never got because a newer one replaced them while it was behind");

    /// <summary>Live connections closed because a message waited for them longer than <c>Live:SlowViewerGrace</c>.</summary>
    public static readonly Counter<long> LiveSlowViewersClosed = Meter.CreateCounter<long>(
        "kpu.live.slow_viewers.closed", "{connection}", "Live connections closed because they read nothing for the grace period");

    /// <summary>Hub calls a gateway refused with a 429-style hub error, by <c>limit</c> (API.md, "Live subscriptions").</summary>
    public static readonly Counter<long> LiveRefusals = Meter.CreateCounter<long>(
        "kpu.live.refusals", "{call}", "Hub calls refused over a viewer limit, by limit");

    /// <summary>CSV export downloads this gateway is sending now (bounded by <c>Export:MaxConcurrentDownloads</c>).</summary>
    public static readonly UpDownCounter<long> ExportDownloads = Meter.CreateUpDownCounter<long>(
        "kpu.export.downloads", "{download}", "CSV export downloads in flight on this gateway");

    /// <summary>Export snapshots generated, by <c>contest</c>: each is one scan of the ledger.</summary>
    public static readonly Counter<long> ExportSnapshots = Meter.CreateCounter<long>(
        "kpu.export.snapshots", "{snapshot}", "CSV export snapshots generated (one ledger scan each), by contest");
}
