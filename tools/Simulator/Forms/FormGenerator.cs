using KpuOrleans.Forms;
using KpuOrleans.Registry;

namespace KpuOrleans.Simulator.Forms;

/// <summary>
/// Writes the C.Hasil forms of election night: for every TPS and race, a first form that keeps every rule of API.md,
/// and on demand a correction of it. Deterministic: the same seed gives the same forms, whatever the order asked.
/// </summary>
internal sealed class FormGenerator(ElectoralProfile profile)
{
    /// <summary>Ballots a TPS receives: its DPT plus the 2.5% reserve.</summary>
    public static long BallotsReceived(long registered) => registered + (long)Math.Ceiling(registered * 0.025);

    public ElectoralProfile Profile => profile;

    /// <summary>The first form (version 1) of <paramref name="tps"/> for <paramref name="contest"/>.</summary>
    public ResultForm First(RegionInfo tps, Contest contest)
    {
        var registered = tps.Registered;
        var received = BallotsReceived(registered);
        var voted = Voters(tps, received);

        var random = SeededRandom.For(profile.Seed, "votes", tps.Code, contest.Id);
        var regency = profile.Ancestor(tps, Level.Regency).Code;
        var invalidRate = Math.Clamp(profile.InvalidRate(regency) * Math.Exp(0.35 * random.Normal()), 0.002, 0.2);
        var invalid = (long)Math.Round(voted.Total * invalidRate);
        var valid = voted.Total - invalid;
        var weights = profile.Preference(contest, tps).Select(w => w * Math.Exp(0.18 * random.Normal())).ToArray();
        var shares = Apportion(valid, weights);
        var votes = new Dictionary<string, long>(contest.Candidates.Count, StringComparer.Ordinal);
        for (var i = 0; i < shares.Length; i++) votes[contest.Candidates[i].Number] = shares[i];

        var spoiled = Math.Min(random.Next(4), received - voted.Total);
        var ballots = new BallotCounts(received, voted.Total, spoiled, received - voted.Total - spoiled);
        return new ResultForm(tps.Code, contest.Id, 1, registered, voted, ballots, votes, valid, invalid, null, null);
    }

    /// <summary>
    /// A correction of an accepted form, as a PPK recount produces: the next version, a reason, and a few votes read
    /// against the wrong candidate put right. Every rule still holds.
    /// </summary>
    public ResultForm Correction(ResultForm accepted)
    {
        var random = SeededRandom.For(profile.Seed, "correction", accepted.Tps, accepted.Contest, accepted.Version.ToString());
        var numbers = accepted.Votes.Keys.ToList();
        var donor = numbers.MaxBy(n => accepted.Votes[n])!;
        var others = numbers.Where(n => n != donor).ToList();
        var version = accepted.Version + 1;
        if (others.Count == 0 || accepted.Votes[donor] == 0)
        {
            // Nothing to move between candidates: the recount found one more spoiled ballot instead.
            var ballots = accepted.Ballots.Unused > 0
                ? accepted.Ballots with { Spoiled = accepted.Ballots.Spoiled + 1, Unused = accepted.Ballots.Unused - 1 }
                : accepted.Ballots;
            return accepted with { Version = version, Ballots = ballots, Reason = $"Koreksi C.Hasil v{version}: surat suara rusak salah hitung (rekapitulasi PPK)" };
        }
        var recipient = random.Pick(others);
        var moved = 1 + random.Next((int)Math.Min(9, accepted.Votes[donor]));
        var votes = new Dictionary<string, long>(accepted.Votes, StringComparer.Ordinal)
        {
            [donor] = accepted.Votes[donor] - moved,
            [recipient] = accepted.Votes[recipient] + moved,
        };
        return accepted with
        {
            Version = version,
            Votes = votes,
            Reason = $"Koreksi C.Hasil v{version}: {moved} suara paslon {recipient} tercatat untuk paslon {donor} (rekapitulasi PPK)",
        };
    }

    /// <summary>
    /// Who came to vote, shared by every race at the TPS (each voter gets every ballot): the regency's turnout, the
    /// district's lean and the TPS's own noise; a few transfer-list (DPTb) and unlisted (DPK) voters on top.
    /// </summary>
    private VotedCounts Voters(RegionInfo tps, long received)
    {
        var random = SeededRandom.For(profile.Seed, "turnout", tps.Code);
        var district = profile.Ancestor(tps, Level.District).Code;
        var regency = profile.Ancestor(tps, Level.Regency).Code;
        var turnout = Math.Clamp(profile.TurnoutMean(regency) + profile.DistrictLean(district) + 0.06 * random.Normal(), 0.30, 0.97);
        var registered = tps.Registered;
        var dpt = Math.Min(registered, (long)Math.Round(registered * turnout));
        var dptb = (long)Math.Round(registered * profile.TransferRate(regency) * 2 * random.NextDouble());
        var dpk = (long)Math.Round(registered * 0.004 * random.NextDouble());
        // Every voter needs a ballot; leave room for a few spoiled ones.
        var room = Math.Max(0, received - dpt - 3);
        dptb = Math.Min(dptb, room);
        dpk = Math.Min(dpk, room - dptb);
        return new VotedCounts(dpt, dptb, dpk);
    }

    /// <summary>Splits <paramref name="total"/> in proportion to <paramref name="weights"/>, largest remainders first; the parts sum to the total.</summary>
    public static long[] Apportion(long total, IReadOnlyList<double> weights)
    {
        var sum = weights.Sum();
        var parts = new long[weights.Count];
        if (weights.Count == 0) return parts;
        var remainders = new double[weights.Count];
        long given = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var quota = sum > 0 ? total * weights[i] / sum : (double)total / weights.Count;
            parts[i] = (long)Math.Floor(quota);
            remainders[i] = quota - parts[i];
            given += parts[i];
        }
        foreach (var i in Enumerable.Range(0, weights.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i))
        {
            if (given >= total) break;
            parts[i]++;
            given++;
        }
        // Floating point can overshoot by one in pathological cases; take it back from the largest part.
        while (given > total)
        {
            var largest = Array.IndexOf(parts, parts.Max());
            parts[largest]--;
            given--;
        }
        return parts;
    }
}
