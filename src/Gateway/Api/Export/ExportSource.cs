using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Postgres;
using Npgsql;

namespace KpuOrleans.Gateway.Api.Export;

/// <summary>Where an export snapshot reads the latest form of every TPS of a contest from.</summary>
public interface IExportSource
{
    IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest, CancellationToken cancellationToken);
}

/// <summary>The embedded system: its in-memory ledger, which has no pool to exhaust.</summary>
public sealed class LedgerExportSource(ILedger ledger) : IExportSource
{
    public IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest, CancellationToken cancellationToken) =>
        ledger.ReadLatestAsync(contest, cancellationToken);
}

/// <summary>
/// A durable cluster: a data source of its own, a few connections (<see cref="ExportOptions.ReadConnections"/>), on
/// <c>ConnectionStrings:KpuRead</c> (a read replica) when set, else on the primary. Anonymous readers can exhaust at
/// most this pool, never the one the process's other work uses.
/// </summary>
public sealed class PostgresExportSource(NpgsqlDataSource readers) : IExportSource, IAsyncDisposable
{
    public const string ReplicaConnectionStringName = "KpuRead";
    public const string ApplicationName = "kpu-export";

    public NpgsqlDataSource DataSource => readers;

    public static PostgresExportSource Create(string connectionString, int connections)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresServices.Tuned(connectionString, connections));
        builder.ApplicationName ??= ApplicationName;
        return new PostgresExportSource(new NpgsqlDataSourceBuilder(builder.ConnectionString).Build());
    }

    public IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest, CancellationToken cancellationToken) =>
        PostgresLedger.ReadLatestAsync(readers, contest, cancellationToken);

    public ValueTask DisposeAsync() => readers.DisposeAsync();
}
