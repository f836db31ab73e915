namespace KpuOrleans.Forms;

/// <summary>
/// Plausible-but-odd patterns. They never reject a form; they flag it for review and are counted up the tree.
/// Thresholds are the ones KPU's own reviewers and KawalPemilu used to spot misread forms in 2024.
/// </summary>
public static class Anomalies
{
    public const string TurnoutOver95Pct = "turnout-over-95pct";
    public const string VotedOverRegistered = "voted-over-registered";
    public const string SingleCandidateOver95Pct = "single-candidate-over-95pct";
    public const string InvalidOver10Pct = "invalid-over-10pct";
    public const string Correction = "correction";

    public static IReadOnlyList<string> Find(ResultForm form)
    {
        var found = new List<string>(2);
        var voted = form.Voted.Total;
        if (form.Registered > 0 && voted * 100 > form.Registered * 95) found.Add(TurnoutOver95Pct);
        if (voted > form.Registered) found.Add(VotedOverRegistered);
        if (form.Valid > 0 && form.Votes.Values.Any(v => v * 100 > form.Valid * 95)) found.Add(SingleCandidateOver95Pct);
        var cast = form.Valid + form.Invalid;
        if (cast > 0 && form.Invalid * 10 > cast) found.Add(InvalidOver10Pct);
        if (form.Version > 1) found.Add(Correction);
        return found;
    }
}
