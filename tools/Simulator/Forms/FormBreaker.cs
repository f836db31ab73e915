using KpuOrleans.Forms;
using KpuOrleans.Registry;

namespace KpuOrleans.Simulator.Forms;

/// <summary>
/// Spoils a valid form the way officers and broken clients do, so that it breaks at least one rule of API.md and must
/// be answered 422 with nothing stored. Which mistake is made is drawn from the seed.
/// </summary>
internal sealed class FormBreaker(RegionRegistry registry, long seed)
{
    /// <summary>The mistakes, each named for the rule it breaks.</summary>
    public static readonly IReadOnlyList<string> Mistakes =
    [
        "registered-not-dpt",          // rule 3
        "voted-dpt-over-registered",   // rule 4
        "votes-do-not-sum-to-valid",   // rule 5
        "cast-not-equal-voted",        // rule 6
        "ballots-do-not-add-up",       // rule 7
        "missing-ballot-number",       // rule 1
        "unknown-ballot-number",       // rule 1
        "negative-number",             // rule 2
        "number-over-maximum",         // rule 2
        "contest-not-covering-tps",    // rule 1
        "unknown-tps",                 // rule 1
        "version-zero",                // rule 8
        "correction-without-reason",   // rule 8
    ];

    public ResultForm Break(ResultForm valid) => Break(valid, SeededRandom.For(seed, "invalid", valid.Tps, valid.Contest).Pick(Mistakes));

    public ResultForm Break(ResultForm valid, string mistake)
    {
        var random = SeededRandom.For(seed, "invalid-amount", valid.Tps, valid.Contest, mistake);
        var small = 1 + random.Next(5);
        var first = valid.Votes.Keys.First();
        return mistake switch
        {
            "registered-not-dpt" => valid with { Registered = valid.Registered + small },
            "voted-dpt-over-registered" => valid with { Voted = valid.Voted with { Dpt = valid.Registered + small } },
            "votes-do-not-sum-to-valid" => valid with { Votes = WithVotes(valid, first, valid.Votes[first] + small) },
            "cast-not-equal-voted" => valid with { Invalid = valid.Invalid + small },
            "ballots-do-not-add-up" => valid with { Ballots = valid.Ballots with { Unused = valid.Ballots.Unused + small } },
            "missing-ballot-number" => valid with { Votes = valid.Votes.Where(v => v.Key != first).ToDictionary(StringComparer.Ordinal) },
            "unknown-ballot-number" => valid with { Votes = WithVotes(valid, UnusedBallotNumber(valid), 0) },
            "negative-number" => valid with { Ballots = valid.Ballots with { Spoiled = -small } },
            "number-over-maximum" => valid with { Votes = WithVotes(valid, first, FormRules.MaxNumber + small) },
            "contest-not-covering-tps" => OtherContest(valid) is { } other ? valid with { Contest = other.Id } : valid with { Version = 0 },
            "unknown-tps" => valid with { Tps = UnknownTps(valid.Tps) },
            "version-zero" => valid with { Version = 0 },
            "correction-without-reason" => valid with { Version = valid.Version + 1, Reason = null },
            _ => throw new ArgumentOutOfRangeException(nameof(mistake), mistake, "unknown mistake"),
        };
    }

    private static Dictionary<string, long> WithVotes(ResultForm form, string number, long count) =>
        new(form.Votes, StringComparer.Ordinal) { [number] = count };

    private static string UnusedBallotNumber(ResultForm form)
    {
        var n = form.Votes.Count + 1;
        while (form.Votes.ContainsKey(n.ToString(System.Globalization.CultureInfo.InvariantCulture))) n++;
        return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A regent's or mayor's race of another regency: it exists, but not at this TPS.</summary>
    private Contest? OtherContest(ResultForm form) =>
        registry.Contests.FirstOrDefault(c => !c.Covers(form.Tps) && c.Id != form.Contest);

    /// <summary>A TPS number its village does not have.</summary>
    private string UnknownTps(string tps)
    {
        var village = RegionCode.Parse(tps).AncestorAt(Level.Village);
        for (var n = 999; n > 0; n--)
        {
            var code = $"{village}.{n:000}";
            if (registry.Find(code) is null) return code;
        }
        return village + ".000";
    }
}
