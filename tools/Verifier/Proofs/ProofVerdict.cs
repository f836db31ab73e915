using KpuOrleans.Verifier.Checking;

namespace KpuOrleans.Verifier.Proofs;

public enum Mark
{
    /// <summary>Checked: what the level above (or, at the top, the published side) commits to.</summary>
    Ticked,

    /// <summary>Where the proof breaks.</summary>
    Broken,

    /// <summary>Above the break: not reached.</summary>
    Unchecked,

    /// <summary>The top of a chain that holds, with nothing published to hold it against (a saved proof without <c>--top</c>).</summary>
    Unconfirmed,

    /// <summary>A level the proof should hold and does not.</summary>
    Missing,
}

/// <param name="Digest">The hash of the level's text, as the checker computed it; null for a missing level.</param>
public sealed record LevelLine(string Region, string Level, string? Name, string? Digest, Mark Mark, string? Note);

/// <param name="Region">The level where the proof breaks; its level is the code's.</param>
public sealed record ProofBreak(string Region, string Why);

/// <summary>
/// A proof checked: the path as marked and the verdict. <paramref name="Against"/> is where an unbroken proof ends
/// (<c>live</c> or <c>certificate</c>); <paramref name="Retriable"/> says the break may only be the top having moved
/// between the reads (worth reading everything again).
/// </summary>
public sealed record ProofVerdict(ProofQuestion Question, InclusionProof? Proof, IReadOnlyList<LevelLine> Levels, ProofBreak? Break, string? Against,
    bool Confirmed = true, bool Retriable = false)
{
    /// <summary>0: inside; 1: it breaks (not counted included); 2 is left to what could not be read.</summary>
    public int ExitCode => Break is null ? VerificationReport.Matches : VerificationReport.Differs;

    /// <summary>The form's TPS not counted where the proof would end: the server's <c>404 Not counted</c>.</summary>
    public static ProofVerdict NotCounted(ProofQuestion question, long? latestVersion, string detail) =>
        new(question, null, [new LevelLine(question.Tps, "tps", null, null, Mark.Broken, "not counted")],
            new ProofBreak(question.Tps, $"not counted yet: {detail.TrimEnd('.')} (latest accepted version: {latestVersion?.ToString() ?? "not given"})"), null);

    public void Write(TextWriter output)
    {
        var q = Question;
        output.WriteLine(Proof is { } p
            ? $"{q.Contest} {q.Tps}: proof of version {p.Version} (latest accepted {p.LatestVersion}) against the {(p.Against == InclusionProof.Live ? "live total" : "certified total")}, {p.Levels.Count} levels, from the TPS up"
            : $"{q.Contest} {q.Tps}: no proof");
        foreach (var level in Levels) output.WriteLine(Line(level));
        output.WriteLine(Summary);
    }

    public string Summary
    {
        get
        {
            if (Break is { } broken) return $"breaks at {broken.Region} ({Evidence.RegionCode.Level(broken.Region)}): {broken.Why}";
            var top = Levels[^1];
            var total = Against == InclusionProof.Live ? "the live total" : "the certified total";
            var form = $"{Question.Contest} {Question.Tps} version {Proof!.Version}";
            return Confirmed
                ? $"inside {total}: {form} is counted in {top.Region}'s {(Against == InclusionProof.Live ? "published" : "certified")} digest {top.Digest}"
                : $"inside {total} as far as this proof goes: the chain holds from {form} to {top.Region}'s digest {top.Digest}, " +
                  "but the top digest could not be confirmed against the published one (a saved proof: give --top DIGEST, or check with --api)";
        }
    }

    private static string Line(LevelLine level)
    {
        var mark = level.Mark switch
        {
            Mark.Ticked => "[ok]",
            Mark.Broken => "[XX]",
            Mark.Missing => "[XX]",
            Mark.Unconfirmed => "[??]",
            _ => "[  ]",
        };
        var name = level.Name is null ? "" : $" {level.Name}";
        var digest = level.Digest is null ? "" : $" {level.Digest}";
        var note = level.Note is null ? "" : $" ({level.Note})";
        return $"  {mark} {level.Region} ({level.Level}){name}{digest}{note}";
    }
}
