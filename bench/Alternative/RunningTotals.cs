using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Npgsql;

namespace KpuOrleans.Bench.Alternative;

/// <summary>
/// The running totals table: one row per (contest, region) at every level, TPS included, changed by each accepted form
/// in its own transaction and read back as the gateway's tally.
/// </summary>
public static class RunningTotals
{
    /// <summary>
    /// The rows a TPS's form changes: its own, then each region above it that the contest covers (a regent's race ends
    /// at its regency). Always bottom-up, so that concurrent transactions take the row locks in one order and never
    /// deadlock, and the busiest row, the province's, is locked last and held the shortest.
    /// </summary>
    public static IReadOnlyList<string> RowsOf(RegionRegistry registry, string tps, Contest contest)
    {
        var rows = new List<string>(5);
        for (var code = tps; code is not null && contest.Covers(code); code = registry.Get(code).Parent) rows.Add(code);
        return rows;
    }

    /// <summary>Adds <paramref name="change"/> to each of <paramref name="regions"/>, creating the rows not there yet.</summary>
    public static async Task AddAsync(NpgsqlConnection connection, Contest contest, IReadOnlyList<string> regions, Tally change,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO alt_totals AS t (contest, region, version, votes, valid, invalid, voted, registered_reported,
                                         tps_reported, anomalies, updated_at)
            SELECT @contest, region, @version, @votes, @valid, @invalid, @voted, @registered, @tps, @anomalies, @at
            FROM unnest(@regions) WITH ORDINALITY AS r(region, position)
            ORDER BY position
            ON CONFLICT (contest, region) DO UPDATE SET
                version = t.version + excluded.version,
                votes = ARRAY(SELECT old + more FROM unnest(t.votes, excluded.votes) WITH ORDINALITY AS v(old, more, i) ORDER BY i),
                valid = t.valid + excluded.valid,
                invalid = t.invalid + excluded.invalid,
                voted = t.voted + excluded.voted,
                registered_reported = t.registered_reported + excluded.registered_reported,
                tps_reported = t.tps_reported + excluded.tps_reported,
                anomalies = t.anomalies + excluded.anomalies,
                updated_at = greatest(t.updated_at, excluded.updated_at)
            """, connection);
        var p = command.Parameters;
        p.AddWithValue("contest", contest.Id);
        p.AddWithValue("regions", regions.ToArray());
        p.AddWithValue("version", change.Version);
        p.AddWithValue("votes", change.Votes);
        p.AddWithValue("valid", change.Valid);
        p.AddWithValue("invalid", change.Invalid);
        p.AddWithValue("voted", change.Voted);
        p.AddWithValue("registered", change.RegisteredReported);
        p.AddWithValue("tps", change.TpsReported);
        p.AddWithValue("anomalies", change.Anomalies);
        p.AddWithValue("at", at.UtcDateTime);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A region's tally of a contest; zero, never updated, until a form below it is accepted.</summary>
    public static async Task<TallySnapshot> ReadAsync(NpgsqlDataSource database, Contest contest, RegionInfo region, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT version, votes, valid, invalid, voted, registered_reported, tps_reported, anomalies, updated_at
            FROM alt_totals WHERE contest = @contest AND region = @region
            """);
        command.Parameters.AddWithValue("contest", contest.Id);
        command.Parameters.AddWithValue("region", region.Code);
        await using var row = await command.ExecuteReaderAsync(cancellationToken);
        if (!await row.ReadAsync(cancellationToken))
            return new TallySnapshot(contest.Id, region.Code, Tally.Zero(contest.Candidates.Count), null);
        var tally = new Tally(row.GetInt64(0), row.GetFieldValue<long[]>(1), row.GetInt64(2), row.GetInt64(3), row.GetInt64(4),
            row.GetInt64(5), row.GetInt32(6), row.GetInt32(7));
        return new TallySnapshot(contest.Id, region.Code, tally, row.GetFieldValue<DateTime>(8));
    }
}
