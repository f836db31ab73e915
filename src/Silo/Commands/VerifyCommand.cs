using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace KpuOrleans.Silo.Commands;

/// <summary>
/// <c>verify</c>: recomputes every tally of every contest from the ledger in SQL, independently of the grains, and
/// compares it with what the live cluster shows. Prints each mismatch; the exit code is 1 when there is any.
/// </summary>
public static class VerifyCommand
{
    private const string Latest = """
        WITH newest AS (
            SELECT DISTINCT ON (tps, contest) *
            FROM kpu_ledger ORDER BY tps, contest, version DESC),
        latest AS (
            -- With its evidence (API.md, "Photos of the form"): a cited page not in the catalogue, open disputes.
            SELECT n.*,
                   EXISTS (SELECT 1 FROM unnest(n.photos) AS page WHERE NOT EXISTS (SELECT 1 FROM kpu_photos k WHERE k.sha256 = page)) AS photo_missing,
                   (SELECT count(*) FROM kpu_disputes d WHERE d.tps = n.tps AND d.contest = n.contest
                        AND NOT EXISTS (SELECT 1 FROM kpu_dispute_resolutions r WHERE r.dispute = d.id))::int AS disputes_open
            FROM newest n),
        placed AS (
            SELECT latest.*, v.village, d.district, r.regency, p.province
            FROM latest
            CROSS JOIN LATERAL (SELECT regexp_replace(tps, '\.[^.]*$', '') AS village) v
            CROSS JOIN LATERAL (SELECT regexp_replace(v.village, '\.[^.]*$', '') AS district) d
            CROSS JOIN LATERAL (SELECT regexp_replace(d.district, '\.[^.]*$', '') AS regency) r
            CROSS JOIN LATERAL (SELECT regexp_replace(r.regency, '\.[^.]*$', '') AS province) p)
        """;

    private const string EveryLevel =
        "GROUPING SETS ((contest, province{0}), (contest, regency{0}), (contest, district{0}), (contest, village{0}), (contest, tps{0}))";

    private const string Region = "COALESCE(tps, village, district, regency, province)";

    public static async Task<int> RunAsync(IHost host, TextWriter output)
    {
        var registry = host.Services.GetRequiredService<RegionRegistry>();
        var database = host.Services.GetRequiredService<NpgsqlDataSource>();
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        var expected = await RecountAsync(database, registry);
        output.WriteLine($"verify: recounted {expected.Count:N0} tallies from the ledger; comparing with the cluster");
        var mismatches = 0;
        var unreachable = 0;
        var checkedCount = 0;
        var nodes = registry.Contests
            .SelectMany(contest => Below(registry, contest.Scope).Select(region => (contest, region)))
            // A TPS is its ledger rows; only the ones with forms are worth activating.
            .Where(node => node.region.Level != Level.Tps || expected.ContainsKey((node.contest.Id, node.region.Code)));
        await Parallel.ForEachAsync(nodes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (node, _) =>
        {
            var want = expected.GetValueOrDefault((node.contest.Id, node.region.Code)) ?? Tally.Zero(node.contest.Candidates.Count);
            Tally? live = null;
            // Right after a crash or a cold start a node may still be catching up: it is read again for about ten
            // seconds before a difference is reported. A drift that lasts is still reported.
            for (var look = 1; look <= Attempts; look++)
            {
                live = await ReadAsync(grains, node.region, node.contest.Id);
                if (live is null || Agrees(live, want)) break;
                if (look < Attempts) await Task.Delay(TimeSpan.FromSeconds(look));
            }
            Interlocked.Increment(ref checkedCount);
            if (live is null)
            {
                Interlocked.Increment(ref unreachable);
                lock (output) output.WriteLine($"UNREACHABLE {node.contest.Id} {node.region.Code}: no answer after {Attempts} attempts");
                return;
            }
            if (Agrees(live, want)) return;
            Interlocked.Increment(ref mismatches);
            lock (output) output.WriteLine($"MISMATCH {node.contest.Id} {node.region.Code}: cluster {live} | ledger {want}");
        });
        output.WriteLine(mismatches + unreachable == 0
            ? $"verify: OK, all {checkedCount:N0} tallies equal the ledger"
            : $"verify: {mismatches:N0} of {checkedCount:N0} tallies differ from the ledger; {unreachable:N0} could not be read");
        return mismatches + unreachable == 0 ? 0 : 1;
    }

    private const int Attempts = 5;

    /// <summary>
    /// The recount reads every row of the ledger in one query: the whole country's (~850,000 forms) takes longer than
    /// Npgsql's default 30 s under load, and a verify must not fail for being thorough.
    /// </summary>
    private const int RecountSeconds = 900;

    /// <summary>Every count a reader sees; the revision only orders a node's reports, so it is not recounted.</summary>
    private static bool Agrees(Tally live, Tally want) => live.SameCounts(want with { Revision = live.Revision });

    /// <summary>
    /// A node whose silo is busy or just died gets a few chances, over about half a minute, before it is reported as
    /// unreachable: right after a crash the cluster may still be agreeing on who is dead.
    /// </summary>
    private static async Task<Tally?> ReadAsync(IGrainFactory grains, RegionInfo region, string contest)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await grains.GetTallyGrain(region).GetTally(contest))!.Tally;
            }
            catch (Exception) when (attempt < Attempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(2 * attempt));
            }
            catch (Exception)
            {
                return null;
            }
        }
    }

    private static IEnumerable<RegionInfo> Below(RegionRegistry registry, string code)
    {
        var region = registry.Get(code);
        yield return region;
        foreach (var child in region.Children.SelectMany(c => Below(registry, c))) yield return child;
    }

    private static async Task<Dictionary<(string, string), Tally>> RecountAsync(NpgsqlDataSource database, RegionRegistry registry)
    {
        var totals = new Dictionary<(string, string), Tally>();
        await using var connection = await database.OpenConnectionAsync();
        await using (var sums = new NpgsqlCommand($"""
            {Latest}
            SELECT contest, {Region}, sum(version)::bigint, sum(valid)::bigint, sum(invalid)::bigint,
                   sum(voted_dpt + voted_dptb + voted_dpk)::bigint, sum(registered)::bigint, count(*)::int,
                   count(*) FILTER (WHERE jsonb_array_length(anomalies) > 0 OR photo_missing OR disputes_open > 0)::int,
                   count(*) FILTER (WHERE photo_missing)::int, sum(disputes_open)::int
            FROM placed GROUP BY {string.Format(EveryLevel, "")}
            """, connection) { CommandTimeout = RecountSeconds })
        await using (var reader = await sums.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var contest = registry.FindContest(reader.GetString(0))!;
                totals[(contest.Id, reader.GetString(1))] = new Tally(reader.GetInt64(2), new long[contest.Candidates.Count],
                    reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt32(7), reader.GetInt32(8),
                    reader.GetInt32(9), reader.GetInt32(10));
            }
        }
        await using (var votes = new NpgsqlCommand($"""
            {Latest}
            SELECT contest, {Region}, candidate.key, sum(candidate.value::bigint)::bigint
            FROM placed, jsonb_each_text(votes) AS candidate GROUP BY {string.Format(EveryLevel, ", candidate.key")}
            """, connection) { CommandTimeout = RecountSeconds })
        await using (var reader = await votes.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var contest = registry.FindContest(reader.GetString(0))!;
                totals[(contest.Id, reader.GetString(1))].Votes[contest.IndexOf(reader.GetString(2))] = reader.GetInt64(3);
            }
        }
        return totals;
    }
}
