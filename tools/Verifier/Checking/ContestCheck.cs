using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;
using KpuOrleans.Verifier.Tallies;

namespace KpuOrleans.Verifier.Checking;

/// <summary>What checking one contest found: how much was checked, and every difference, in region code order.</summary>
public sealed record ContestResult(ContestInfo Contest, int Forms, int Tallies, IReadOnlyList<Difference> Differences, CertificateCount Certificates);

/// <summary>
/// One contest's evidence against its forms: every row by itself (<see cref="RowRules"/>), then every published
/// tally against the tallies recomputed from the rows, and every node with forms below it must have been published;
/// then its certificates (<see cref="CertificateCheck"/>).
/// </summary>
public static class ContestCheck
{
    public static ContestResult Run(ContestEvidence evidence)
    {
        var contest = evidence.Contest;
        var differences = new List<Difference>();
        void Add(string region, string what) => differences.Add(new Difference(contest.Id, region, what));

        var forms = new Dictionary<string, FormRow>(StringComparer.Ordinal);
        foreach (var row in evidence.Rows)
        {
            var where = $"export line {row.Line}";
            if (!RegionCode.IsTps(row.Tps) || !contest.Covers(row.Tps))
                Add(row.Tps, $"{where}: not a TPS code inside {contest.Id}'s scope {contest.Scope}; the row is left out of the recount");
            else if (forms.TryGetValue(row.Tps, out var first))
                Add(row.Tps, $"{where}: a second row for this TPS (the first is line {first.Line}); only the first is counted");
            else
            {
                forms.Add(row.Tps, row);
                foreach (var breach in RowRules.Breaches(contest, row)) Add(row.Tps, $"{where}: {breach}");
            }
        }

        var recomputed = Recomputation.Recompute(contest, forms.Values);
        var published = new Dictionary<string, PublishedTally>(StringComparer.Ordinal);
        foreach (var tally in evidence.Tallies)
        {
            if (!published.TryAdd(tally.Region, tally)) Add(tally.Region, "published more than once; only the first is compared");
            else if (tally.Contest is { } other && other != contest.Id) Add(tally.Region, $"published as a tally of {other} among {contest.Id}'s");
            else if (!contest.Covers(tally.Region)) Add(tally.Region, $"published, but outside {contest.Id}'s scope {contest.Scope}");
            else
            {
                var expected = recomputed.GetValueOrDefault(tally.Region) ?? TallyFigures.Zero(contest);
                foreach (var difference in TallyComparison.Differences(contest, tally, expected)) Add(tally.Region, difference);
            }
        }
        foreach (var (region, tally) in recomputed.Where(r => !published.ContainsKey(r.Key)))
            Add(region, $"no published tally, but the forms count {tally.TpsReported} TPS at or below it");

        // Only the tallies compared above: one of another contest or outside the scope says nothing of a certificate.
        var compared = published.Where(p => p.Value.Contest is null || p.Value.Contest == contest.Id)
            .Where(p => contest.Covers(p.Key)).ToDictionary(StringComparer.Ordinal);
        var certificates = CertificateCheck.Run(contest, evidence.Certificates, recomputed, compared, Add);

        return new ContestResult(contest, forms.Count, evidence.Tallies.Count,
            [.. differences.OrderBy(d => d.Region, StringComparer.Ordinal)], certificates);
    }
}
