namespace KpuOrleans.Verifier.Checking;

/// <summary>Every contest checked, and what that adds up to: the notes, the summary line and the exit code.</summary>
public sealed record VerificationReport(IReadOnlyList<ContestResult> Contests)
{
    public const int Matches = 0;
    public const int Differs = 1;
    public const int CannotTell = 2;

    public IEnumerable<Difference> Differences => Contests.SelectMany(c => c.Differences);

    public int Forms => Contests.Sum(c => c.Forms);

    public int Tallies => Contests.Sum(c => c.Tallies);

    public int CertificatesInForce => Contests.Sum(c => c.Certificates.InForce);

    public int CertificatesWithdrawn => Contests.Sum(c => c.Certificates.Withdrawn);

    /// <summary>Distinct (contest, region) pairs with at least one difference.</summary>
    public int Regions => Differences.Select(d => (d.Contest, d.Region)).Distinct().Count();

    public int ExitCode => Differences.Any() ? Differs : Matches;

    /// <summary>What was not there to check, said before the differences: an OK must not be read as more than it is.</summary>
    public IEnumerable<string> Notes => WithoutCertificates.Select(id =>
        $"{id}: no {id}.certificates.json, so checked as a contest without certificates (a tally showing one is then a difference)");

    public string Summary => Differences.Any()
        ? $"FAILED: {Count(Differences.Count(), "difference")} in {Count(Regions, "region")} " +
          $"({Count(Tallies, "published tally", "published tallies")} and {Count(Forms, "form")} of {Count(Contests.Count, "contest")} checked; {CertificateCounts})"
        : $"OK: every one of {Count(Tallies, "published tally", "published tallies")} and {Count(Forms, "form")} of {Count(Contests.Count, "contest")} " +
          $"matches the forms; {CertificateCounts}";

    public static VerificationReport Check(IEnumerable<Evidence.ContestEvidence> evidence) => new([.. evidence.Select(ContestCheck.Run)]);

    private IEnumerable<string> WithoutCertificates => Contests.Where(c => !c.Certificates.FileRead).Select(c => c.Contest.Id);

    private string CertificateCounts =>
        $"{Count(CertificatesInForce, "certificate")} in force, {CertificatesWithdrawn} withdrawn" +
        (WithoutCertificates.Any() ? $", no certificates file for {string.Join(", ", WithoutCertificates)}" : "");

    private static string Count(int n, string one, string? many = null) => $"{n} {(n == 1 ? one : many ?? one + "s")}";
}
