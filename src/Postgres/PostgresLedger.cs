using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KpuOrleans.Postgres;

/// <summary>
/// The ledger on PostgreSQL with group commit: concurrent appends queue up, a writer takes everything waiting (up to
/// <see cref="LedgerOptions.MaxBatch"/>) into one INSERT in one transaction, and each caller is answered when the
/// transaction holding its row has committed.
/// </summary>
public sealed partial class PostgresLedger : ILedger, IAsyncDisposable
{
    private const string Columns =
        "tps, contest, version, registered, voted_dpt, voted_dptb, voted_dpk, ballots_received, ballots_used, " +
        "ballots_spoiled, ballots_unused, votes, valid, invalid, reason, photo_sha256, anomalies, submitted_by, accepted_at, photos";

    private readonly NpgsqlDataSource _database;
    private readonly LedgerOptions _options;
    private readonly ILogger<PostgresLedger> _logger;
    private readonly Task[] _writers;

    public PostgresLedger(NpgsqlDataSource database, IOptions<LedgerOptions> options, ILogger<PostgresLedger> logger)
    {
        _database = database;
        _options = options.Value;
        _logger = logger;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(1, _options.MaxQueue)) { FullMode = BoundedChannelFullMode.Wait });
        _writers = [.. Enumerable.Range(0, Math.Max(1, _options.Writers)).Select(_ => Task.Run(WriteLoopAsync))];
        _readers = [.. Enumerable.Range(0, Math.Max(1, _options.Readers)).SelectMany(_ => new[] { Task.Run(ReadTpsLoopAsync), Task.Run(ReadRegionLoopAsync) })];
    }

    public async Task<IReadOnlyList<AcceptedForm>> ReadRecentAnomaliesAsync(string region, int limit, CancellationToken cancellationToken = default) =>
        !RegionCode.TryParse(region, out var code) ? [] : await QueryAsync($"""
            SELECT {Columns} FROM kpu_ledger
            WHERE anomalies <> '[]'::jsonb AND tps >= @from AND tps < @to ORDER BY seq DESC LIMIT @limit
            """,
            command =>
            {
                Below(command, code);
                command.Parameters.AddWithValue("limit", limit);
            }, cancellationToken);

    private static void Below(NpgsqlCommand command, RegionCode region)
    {
        var (from, to) = region.KeysBelow;
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
    }

    public IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest, CancellationToken cancellationToken = default) =>
        ReadLatestAsync(_database, contest, cancellationToken);

    /// <summary>
    /// <see cref="ReadLatestAsync(string, CancellationToken)"/> on any data source: the gateway's export reads with a
    /// small pool of its own (or a replica's), never with the one forms are appended through.
    /// </summary>
    public static async IAsyncEnumerable<AcceptedForm> ReadLatestAsync(NpgsqlDataSource database, string contest,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(database, cancellationToken);
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
        _regionReads.Writer.TryComplete();
        await Task.WhenAll([.. _writers, .. _readers]);
    }

    /// <summary>The ledger's own connections: each one tells the generation whether the server was reached.</summary>
    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return Reached(await OpenAsync(_database, cancellationToken));
        }
        catch (LedgerUnavailableException)
        {
            NoteUnreachable();
            throw;
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        try
        {
            return await database.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new LedgerUnavailableException("The result ledger cannot be reached.", e);
        }
    }

    private Task<List<AcceptedForm>> QueryAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        QueryAsync(sql, bind, Read, cancellationToken);

    private async Task<List<T>> QueryAsync<T>(string sql, Action<NpgsqlCommand> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        try
        {
            return await QueryAsync(connection, null, sql, bind, read, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new LedgerUnavailableException("The result ledger could not be read.", e);
        }
    }

    private static Task<List<AcceptedForm>> QueryAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        QueryAsync(connection, transaction, sql, bind, Read, cancellationToken);

    private static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        Action<NpgsqlCommand> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(read(reader));
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
            PhotoSha256: row.IsDBNull(15) ? null : row.GetString(15),
            Photos: row.IsDBNull(19) ? null : row.GetFieldValue<string[]>(19));
        var anomalies = JsonSerializer.Deserialize<string[]>(row.GetString(16))!;
        return new AcceptedForm(form, new DateTimeOffset(row.GetDateTime(18), TimeSpan.Zero), row.GetString(17), anomalies);
    }

}
