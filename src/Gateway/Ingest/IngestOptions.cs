namespace KpuOrleans.Gateway.Ingest;

/// <summary>Configuration section <c>Ingest</c>: how a gateway gathers forms into calls to the silo (<see cref="FormCourier"/>).</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>
    /// How long a form may wait for others to share its call while one is already on its way. A form that finds
    /// nothing on the way goes at once, so an idle gateway adds no wait.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The most forms one call carries.</summary>
    public int MaxBatch { get; set; } = 64;

    /// <summary>Calls on their way at once; while all are out, arriving forms gather into the next one.</summary>
    public int MaxCallsInFlight { get; set; } = 64;

    /// <summary>Forms waiting or on their way at most; one more is a 503 at once (nothing sent).</summary>
    public int MaxQueue { get; set; } = 10_000;

    public static readonly TimeSpan MaxWindow = TimeSpan.FromMilliseconds(20);

    /// <summary>What start-up refuses (the gateway exits 2 rather than run with it).</summary>
    public IEnumerable<string> Problems()
    {
        if (Window < TimeSpan.Zero || Window > MaxWindow)
            yield return $"{Section}:Window must be between 00:00:00 and 00:00:00.020 (every form may wait that long), not {Window}.";
        if (MaxBatch is < 1 or > 1000) yield return $"{Section}:MaxBatch must be 1–1000 (a batch request's size), not {MaxBatch}.";
        if (MaxCallsInFlight is < 1 or > 256) yield return $"{Section}:MaxCallsInFlight must be 1–256, not {MaxCallsInFlight}.";
        if (MaxQueue is < 1 or > 1_000_000) yield return $"{Section}:MaxQueue must be 1–1,000,000, not {MaxQueue}.";
    }
}
