using KpuOrleans.Registry;

namespace KpuOrleans.Simulator.Checking;

/// <summary>The additive figures of a tally (API.md "Reading"), as expected from the forms or as the server shows them.</summary>
internal sealed record TallyFigures(
    IReadOnlyDictionary<string, long> Votes, long Valid, long Invalid, long Voted,
    long RegisteredReported, int TpsReported, int Anomalies, long Version, int? PhotoMissing = null, int? DisputesOpen = null)
{
    public static TallyFigures Zero(Contest contest) =>
        new(contest.Candidates.ToDictionary(c => c.Number, _ => 0L, StringComparer.Ordinal), 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Each figure that differs, as "field: expected X, shown Y"; empty when they agree.</summary>
    public IReadOnlyList<string> DifferencesFrom(TallyFigures shown, Contest contest)
    {
        var differences = new List<string>();
        void Compare(string field, long expected, long actual)
        {
            if (expected != actual) differences.Add($"{field}: expected {expected:N0}, shown {actual:N0}");
        }
        foreach (var candidate in contest.Candidates)
            Compare($"votes.{candidate.Number}", Votes.GetValueOrDefault(candidate.Number), shown.Votes.GetValueOrDefault(candidate.Number));
        foreach (var extra in shown.Votes.Keys.Where(k => contest.IndexOf(k) < 0))
            differences.Add($"votes.{extra}: not a ballot number of {contest.Id}");
        Compare("valid", Valid, shown.Valid);
        Compare("invalid", Invalid, shown.Invalid);
        Compare("voted", Voted, shown.Voted);
        Compare("registeredReported", RegisteredReported, shown.RegisteredReported);
        Compare("tpsReported", TpsReported, shown.TpsReported);
        Compare("anomalies", Anomalies, shown.Anomalies);
        Compare("version", Version, shown.Version);
        // A gateway from before photos shows neither: nothing to compare.
        if (PhotoMissing is { } missing && shown.PhotoMissing is { } shownMissing) Compare("photoMissing", missing, shownMissing);
        if (DisputesOpen is { } open && shown.DisputesOpen is { } shownOpen) Compare("disputesOpen", open, shownOpen);
        return differences;
    }
}

/// <summary>A tally as read from the server: its figures plus the registry facts it repeats.</summary>
internal sealed record ObservedTally(TallyFigures Figures, long Registered, int TpsExpected);

/// <summary>One tally to check: a race at a region.</summary>
internal sealed record TallyTarget(Contest Contest, RegionInfo Region)
{
    public override string ToString() => $"{Contest.Id} {Region.Code}";
}
