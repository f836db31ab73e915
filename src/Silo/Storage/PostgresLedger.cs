using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace KpuOrleans.Silo.Storage;

/// <summary>Configuration section <c>Ledger</c>.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>The most forms one transaction takes.</summary>
    public int MaxBatch { get; set; } = 500;

    /// <summary>Transactions in flight at once: while one commits, the next batch gathers.</summary>
    public int Writers { get; set; } = 4;

    /// <summary>TPS reads in flight at once (each one for every TPS waiting, up to <see cref="MaxBatch"/>).</summary>
    public int Readers { get; set; } = 2;
}

/// <summary>
/// The ledger on PostgreSQL with group commit: concurrent appends queue up, a writer takes everything waiting (up to
/// <see cref="LedgerOptions.MaxBatch"/>) into one INSERT in one transaction, and each caller is answered when the
/// transaction holding its row has committed.
/// </summary>
public sealed partial class PostgresLedger : ILedger, IAsyncDisposable
{
    private const string Columns =
        "tps, contest, version, registered, voted_dpt, voted_dptb, voted_dpk, ballots_received, ballots_used, " +
        "ballots_spoiled, ballots_unused, votes, valid, invalid, reason, photo_sha256, anomalies, submitted_by, accepted_at";

    private readonly NpgsqlDataSource _database;
    private readonly LedgerOptions _options;
    private readonly ILogger<PostgresLedger> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] _writers;

    public PostgresLedger(NpgsqlDataSource database, IOptions<LedgerOptions> options, ILogger<PostgresLedger> logger)
    {
        _database = database;
        _options = options.Value;
        _logger = logger;
        _writers = [.. Enumerable.Range(0, Math.Max(1, _options.Writers)).Select(_ => Task.Run(WriteLoopAsync))];
        _readers = [.. Enumerable.Range(0, Math.Max(1, _options.Readers)).Select(_ => Task.Run(ReadLoopAsync))];
    }

    public Task<AppendResult> AppendAsync(AcceptedForm entry, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(entry, new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new LedgerUnavailableException("the ledger is shutting down");
        return pending.Done.Task;
    }

    public async Task<IReadOnlyList<AcceptedForm>> ReadLatestUnderAsync(string region, CancellationToken cancellationToken = default) =>
        await QueryAsync($"""
            SELECT DISTINCT ON (tps, contest) {Columns} FROM kpu_ledger
            WHERE tps > @from AND tps < @to ORDER BY tps, contest, version DESC
            """,
            command =>
            {
                // '/' follows '.' in byte order: this range is exactly the codes below the region.
                command.Parameters.AddWithValue("from", region + ".");
                command.Parameters.AddWithValue("to", region + "/");
            }, cancellationToken);

    public async Task<IReadOnlyList<AcceptedForm>> ReadRecentAnomaliesAsync(string region, int limit, CancellationToken cancellationToken = default) =>
        await QueryAsync($"""
            SELECT {Columns} FROM kpu_ledger
            WHERE anomalies <> '[]'::jsonb AND tps > @from AND tps < @to ORDER BY seq DESC LIMIT @limit
            """,
            command =>
            {
                command.Parameters.AddWithValue("from", region + ".");
                command.Parameters.AddWithValue("to", region + "/");
                command.Parameters.AddWithValue("limit", limit);
            }, cancellationToken);

    public async IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT DISTINCT ON (tps) {Columns} FROM kpu_ledger WHERE contest = @contest ORDER BY tps, version DESC", connection);
        command.Parameters.AddWithValue("contest", contest);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) yield return Read(reader);
    }

    public async Task<IReadOnlyList<VersionSum>> ReadVersionSumsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT contest, left(tps, length(tps) - strpos(reverse(tps), '.')) AS village, sum(version)::bigint
            FROM (SELECT tps, contest, max(version) AS version FROM kpu_ledger GROUP BY tps, contest) latest
            GROUP BY contest, village
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sums = new List<VersionSum>();
        while (await reader.ReadAsync(cancellationToken)) sums.Add(new VersionSum(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return sums;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _reads.Writer.TryComplete();
        await Task.WhenAll([.. _writers, .. _readers]);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_options.MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            if (batch.Count == 0) continue;
            try
            {
                var started = Stopwatch.GetTimestamp();
                var results = await WriteBatchAsync(batch);
                KpuMetrics.LedgerCommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                KpuMetrics.LedgerBatchSize.Record(batch.Count);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Ledger batch of {Count} forms failed; none of them was accepted", batch.Count);
                var unavailable = new LedgerUnavailableException("The result ledger could not commit the form.", e);
                foreach (var pending in batch) pending.Done.TrySetException(unavailable);
            }
        }
    }

    private async Task<AppendResult[]> WriteBatchAsync(List<Pending> batch)
    {
        await using var connection = await OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var forms = batch.Select(p => p.Entry).ToList();
        var inserted = new HashSet<(string, string, long)>();
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO kpu_ledger ({Columns})
            SELECT * FROM unnest(@tps::text[], @contest::text[], @version::int[], @registered::int[], @dpt::int[], @dptb::int[], @dpk::int[],
                @received::int[], @used::int[], @spoiled::int[], @unused::int[], @votes::jsonb[], @valid::int[], @invalid::int[],
                @reason::text[], @photo::text[], @anomalies::jsonb[], @by::text[], @at::timestamptz[])
            ON CONFLICT (tps, contest, version) DO NOTHING
            RETURNING tps, contest, version
            """, connection, transaction))
        {
            void Add<T>(string name, Func<AcceptedForm, T> value) => insert.Parameters.AddWithValue(name, forms.Select(value).ToArray());
            Add("tps", f => f.Form.Tps);
            Add("contest", f => f.Form.Contest);
            Add("version", f => (int)f.Form.Version);
            Add("registered", f => (int)f.Form.Registered);
            Add("dpt", f => (int)f.Form.Voted.Dpt);
            Add("dptb", f => (int)f.Form.Voted.Dptb);
            Add("dpk", f => (int)f.Form.Voted.Dpk);
            Add("received", f => (int)f.Form.Ballots.Received);
            Add("used", f => (int)f.Form.Ballots.Used);
            Add("spoiled", f => (int)f.Form.Ballots.Spoiled);
            Add("unused", f => (int)f.Form.Ballots.Unused);
            Add("votes", f => JsonSerializer.Serialize(f.Form.Votes));
            Add("valid", f => (int)f.Form.Valid);
            Add("invalid", f => (int)f.Form.Invalid);
            insert.Parameters.Add(new NpgsqlParameter("reason", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = forms.Select(f => (object?)f.Form.Reason ?? DBNull.Value).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("photo", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = forms.Select(f => (object?)f.Form.PhotoSha256 ?? DBNull.Value).ToArray() });
            Add("anomalies", f => JsonSerializer.Serialize(f.Anomalies));
            Add("by", f => f.SubmittedBy);
            Add("at", f => f.AcceptedAt.UtcDateTime);
            await using var reader = await insert.ExecuteReaderAsync();
            while (await reader.ReadAsync()) inserted.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        var results = new AppendResult[batch.Count];
        for (var i = 0; i < forms.Count; i++)
        {
            var form = forms[i].Form;
            if (inserted.Remove((form.Tps, form.Contest, form.Version))) results[i] = new AppendResult(true, forms[i]);
        }
        // Rows that were there already (a retry whose first answer was lost): hand back what the ledger holds.
        for (var i = 0; i < forms.Count; i++)
        {
            if (results[i] is not null) continue;
            var form = forms[i].Form;
            var stored = await QueryAsync(connection, transaction,
                $"SELECT {Columns} FROM kpu_ledger WHERE tps = @tps AND contest = @contest AND version = @version",
                command =>
                {
                    command.Parameters.AddWithValue("tps", form.Tps);
                    command.Parameters.AddWithValue("contest", form.Contest);
                    command.Parameters.AddWithValue("version", (int)form.Version);
                }, CancellationToken.None);
            results[i] = new AppendResult(false, stored.Single());
        }
        await transaction.CommitAsync();
        return results;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return Reached(await _database.OpenConnectionAsync(cancellationToken));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            NoteUnreachable();
            throw new LedgerUnavailableException("The result ledger cannot be reached.", e);
        }
    }

    private async Task<List<AcceptedForm>> QueryAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        try
        {
            return await QueryAsync(connection, null, sql, bind, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new LedgerUnavailableException("The result ledger could not be read.", e);
        }
    }

    private static async Task<List<AcceptedForm>> QueryAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<AcceptedForm>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(Read(reader));
        return rows;
    }

    private static AcceptedForm Read(NpgsqlDataReader row)
    {
        var form = new ResultForm(
            Tps: row.GetString(0),
            Contest: row.GetString(1),
            Version: row.GetInt32(2),
            Registered: row.GetInt32(3),
            Voted: new VotedCounts(row.GetInt32(4), row.GetInt32(5), row.GetInt32(6)),
            Ballots: new BallotCounts(row.GetInt32(7), row.GetInt32(8), row.GetInt32(9), row.GetInt32(10)),
            Votes: JsonSerializer.Deserialize<Dictionary<string, long>>(row.GetString(11))!,
            Valid: row.GetInt32(12),
            Invalid: row.GetInt32(13),
            Reason: row.IsDBNull(14) ? null : row.GetString(14),
            PhotoSha256: row.IsDBNull(15) ? null : row.GetString(15));
        var anomalies = JsonSerializer.Deserialize<string[]>(row.GetString(16))!;
        return new AcceptedForm(form, new DateTimeOffset(row.GetDateTime(18), TimeSpan.Zero), row.GetString(17), anomalies);
    }

    private sealed record Pending(AcceptedForm Entry, TaskCompletionSource<AppendResult> Done);
}
