using KpuOrleans.Forms;
using KpuOrleans.Registry;
using Npgsql;

namespace KpuOrleans.Bench.Alternative;

/// <summary>The forms table: what a TPS has had accepted for one contest, and a new version appended to it.</summary>
public static class FormRows
{
    private const string Columns =
        "version, registered, voted_dpt, voted_dptb, voted_dpk, ballots_received, ballots_used, ballots_spoiled, " +
        "ballots_unused, votes, valid, invalid, reason, photo_sha256, anomalies, accepted_at";

    /// <summary>Until writers authenticate, forms are recorded as sent by this (as the gateway records them).</summary>
    public const string Submitter = "anonymous";

    /// <summary>Every accepted version, oldest first (empty if none).</summary>
    public static async Task<List<AcceptedForm>> ReadHistoryAsync(
        NpgsqlConnection connection, string tps, Contest contest, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM alt_forms WHERE tps = @tps AND contest = @contest ORDER BY version", connection);
        command.Parameters.AddWithValue("tps", tps);
        command.Parameters.AddWithValue("contest", contest.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var history = new List<AcceptedForm>(1);
        while (await reader.ReadAsync(cancellationToken)) history.Add(Read(reader, tps, contest));
        return history;
    }

    /// <returns>False when the row was there already: another request stored this version in the meantime.</returns>
    public static async Task<bool> InsertAsync(NpgsqlConnection connection, AcceptedForm accepted, Contest contest, CancellationToken cancellationToken)
    {
        var form = accepted.Form;
        await using var command = new NpgsqlCommand($"""
            INSERT INTO alt_forms (tps, contest, {Columns})
            VALUES (@tps, @contest, @version, @registered, @dpt, @dptb, @dpk, @received, @used, @spoiled, @unused,
                    @votes, @valid, @invalid, @reason, @photo, @anomalies, @at)
            ON CONFLICT (tps, contest, version) DO NOTHING
            """, connection);
        var p = command.Parameters;
        p.AddWithValue("tps", form.Tps);
        p.AddWithValue("contest", form.Contest);
        // The rules have held every number to 0..100,000 by now.
        p.AddWithValue("version", (int)form.Version);
        p.AddWithValue("registered", (int)form.Registered);
        p.AddWithValue("dpt", (int)form.Voted.Dpt);
        p.AddWithValue("dptb", (int)form.Voted.Dptb);
        p.AddWithValue("dpk", (int)form.Voted.Dpk);
        p.AddWithValue("received", (int)form.Ballots.Received);
        p.AddWithValue("used", (int)form.Ballots.Used);
        p.AddWithValue("spoiled", (int)form.Ballots.Spoiled);
        p.AddWithValue("unused", (int)form.Ballots.Unused);
        p.AddWithValue("votes", contest.Candidates.Select(c => (int)form.Votes[c.Number]).ToArray());
        p.AddWithValue("valid", (int)form.Valid);
        p.AddWithValue("invalid", (int)form.Invalid);
        p.AddWithValue("reason", (object?)form.Reason ?? DBNull.Value);
        p.AddWithValue("photo", (object?)form.PhotoSha256 ?? DBNull.Value);
        p.AddWithValue("anomalies", accepted.Anomalies.ToArray());
        p.AddWithValue("at", accepted.AcceptedAt.UtcDateTime);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static AcceptedForm Read(NpgsqlDataReader row, string tps, Contest contest)
    {
        var votes = row.GetFieldValue<int[]>(9);
        var form = new ResultForm(
            Tps: tps,
            Contest: contest.Id,
            Version: row.GetInt32(0),
            Registered: row.GetInt32(1),
            Voted: new VotedCounts(row.GetInt32(2), row.GetInt32(3), row.GetInt32(4)),
            Ballots: new BallotCounts(row.GetInt32(5), row.GetInt32(6), row.GetInt32(7), row.GetInt32(8)),
            Votes: contest.Candidates.Select((c, i) => (c.Number, Count: (long)votes[i])).ToDictionary(v => v.Number, v => v.Count),
            Valid: row.GetInt32(10),
            Invalid: row.GetInt32(11),
            Reason: row.IsDBNull(12) ? null : row.GetString(12),
            PhotoSha256: row.IsDBNull(13) ? null : row.GetString(13));
        return new AcceptedForm(form, row.GetFieldValue<DateTime>(15), Submitter, row.GetFieldValue<string[]>(14));
    }
}
