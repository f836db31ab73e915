using KpuOrleans.Evidence;
using KpuOrleans.Registry;
using Npgsql;

namespace KpuOrleans.Postgres;

/// <summary>
/// Disputes in <c>kpu_disputes</c> and their resolutions in <c>kpu_dispute_resolutions</c>, beside the ledger
/// (Sql/0008_disputes.sql): both append-only, a report open while it has no resolution row.
/// </summary>
public sealed class PostgresDisputeRegister(NpgsqlDataSource database) : IDisputeRegister
{
    private const string Columns = """
        d.id, d.tps, d.contest, d.version, d.field, d.note, d.opened_at,
        r.outcome, r.reason, r.version, r.resolved_by, r.resolved_at
        """;

    private const string Joined = "kpu_disputes d LEFT JOIN kpu_dispute_resolutions r ON r.dispute = d.id";

    public async Task<(Dispute Dispute, bool Opened)> OpenAsync(string tps, string contest, long version, string field, string note,
        string reporter, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Serialises the opens of one reporter, TPS and contest (why a lock: see Sql/0008_disputes.sql); the lookup
        // below is a new statement, so it sees a report that another open committed while this one waited.
        await using (var wait = new NpgsqlCommand("SELECT kpu_dispute_reporter_lock(@reporter, @tps, @contest)", connection, transaction))
        {
            Bind(wait, reporter, tps, contest);
            await wait.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var open = new NpgsqlCommand($"""
            SELECT {Columns} FROM {Joined}
            WHERE d.reporter = @reporter AND d.tps = @tps AND d.contest = @contest AND r.dispute IS NULL
            ORDER BY d.id LIMIT 1
            """, connection, transaction))
        {
            Bind(open, reporter, tps, contest);
            if ((await ReadAllAsync(open, cancellationToken)) is [var existing])
            {
                await transaction.CommitAsync(cancellationToken);
                return (existing, false);
            }
        }
        var openedAt = Ledger.StoredTime.Microseconds(at);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO kpu_disputes (tps, contest, version, field, note, reporter, opened_at)
            VALUES (@tps, @contest, @version, @field, @note, @reporter, @at)
            RETURNING id
            """, connection, transaction);
        Bind(insert, reporter, tps, contest);
        insert.Parameters.AddWithValue("version", (int)version);
        insert.Parameters.AddWithValue("field", field);
        insert.Parameters.AddWithValue("note", note);
        insert.Parameters.AddWithValue("at", openedAt.UtcDateTime);
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        await transaction.CommitAsync(cancellationToken);
        return (new Dispute(id, tps, contest, version, field, note, openedAt, null), true);
    }

    public async Task<Dispute?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand($"SELECT {Columns} FROM {Joined} WHERE d.id = @id");
        command.Parameters.AddWithValue("id", id);
        return (await ReadAllAsync(command, cancellationToken)) is [var dispute] ? dispute : null;
    }

    public async Task<(Dispute Dispute, bool Resolved)> ResolveAsync(long id, DisputeResolution resolution, CancellationToken cancellationToken = default)
    {
        // One statement: of two resolutions at once, the second waits on the first's key and then inserts nothing.
        await using (var insert = database.CreateCommand("""
            INSERT INTO kpu_dispute_resolutions (dispute, outcome, reason, version, resolved_by, resolved_at)
            SELECT d.id, @outcome, @reason, @version, @by, @at FROM kpu_disputes d WHERE d.id = @id
            ON CONFLICT (dispute) DO NOTHING
            """))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("outcome", resolution.Outcome);
            // Typed: a null in a SELECT list would otherwise be taken as text.
            insert.Parameters.Add(new NpgsqlParameter("reason", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)resolution.Reason ?? DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter("version", NpgsqlTypes.NpgsqlDbType.Integer) { Value = resolution.Version is { } v ? (int)v : DBNull.Value });
            insert.Parameters.AddWithValue("by", resolution.By);
            insert.Parameters.AddWithValue("at", Ledger.StoredTime.Microseconds(resolution.At).UtcDateTime);
            var recorded = await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
            var stored = await GetAsync(id, cancellationToken) ?? throw new KeyNotFoundException($"No dispute {id}.");
            return (stored, recorded);
        }
    }

    public async Task<IReadOnlyList<Dispute>> ListAsync(string region, bool? open, int limit, CancellationToken cancellationToken = default)
    {
        if (!RegionCode.TryParse(region, out var code)) return [];
        var status = open switch { true => "AND r.dispute IS NULL", false => "AND r.dispute IS NOT NULL", null => "" };
        await using var command = database.CreateCommand($"""
            SELECT {Columns} FROM {Joined}
            WHERE (d.tps = @region OR (d.tps >= @from COLLATE "C" AND d.tps < @to COLLATE "C")) {status}
            ORDER BY d.id DESC LIMIT @limit
            """);
        BindRange(command, code);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<DisputeCounts> CountsAsync(string tps, string contest, CancellationToken cancellationToken = default)
    {
        await using var command = database.CreateCommand($"""
            SELECT count(*) FILTER (WHERE r.dispute IS NULL), count(*) + count(r.dispute)
            FROM {Joined} WHERE d.tps = @tps AND d.contest = @contest
            """);
        command.Parameters.AddWithValue("tps", tps);
        command.Parameters.AddWithValue("contest", contest);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DisputeCounts((int)reader.GetInt64(0), reader.GetInt64(1));
    }

    public async Task<IReadOnlyDictionary<FormKey, DisputeCounts>> CountsUnderAsync(string region, CancellationToken cancellationToken = default)
    {
        var counts = new Dictionary<FormKey, DisputeCounts>();
        if (!RegionCode.TryParse(region, out var code)) return counts;
        await using var command = database.CreateCommand($"""
            SELECT d.tps, d.contest, count(*) FILTER (WHERE r.dispute IS NULL), count(*) + count(r.dispute)
            FROM {Joined} WHERE d.tps = @region OR (d.tps >= @from COLLATE "C" AND d.tps < @to COLLATE "C")
            GROUP BY d.tps, d.contest
            """);
        BindRange(command, code);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            counts[new FormKey(reader.GetString(0), reader.GetString(1))] = new DisputeCounts((int)reader.GetInt64(2), reader.GetInt64(3));
        return counts;
    }

    private static void Bind(NpgsqlCommand command, string reporter, string tps, string contest)
    {
        command.Parameters.AddWithValue("reporter", reporter);
        command.Parameters.AddWithValue("tps", tps);
        command.Parameters.AddWithValue("contest", contest);
    }

    /// <summary>The region itself (a TPS asks for its own) and the codes below it: tps is COLLATE "C", so the range is bytewise.</summary>
    private static void BindRange(NpgsqlCommand command, RegionCode code)
    {
        command.Parameters.AddWithValue("region", code.Value);
        command.Parameters.AddWithValue("from", code.KeysBelow.From);
        command.Parameters.AddWithValue("to", code.KeysBelow.To);
    }

    private static async Task<IReadOnlyList<Dispute>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var disputes = new List<Dispute>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var resolution = reader.IsDBNull(7) ? null : new DisputeResolution(reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetInt32(9),
                reader.GetString(10), new DateTimeOffset(reader.GetDateTime(11), TimeSpan.Zero));
            disputes.Add(new Dispute(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                reader.GetString(5), new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero), resolution));
        }
        return disputes;
    }
}
