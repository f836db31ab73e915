using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KpuOrleans.Postgres;

/// <summary>
/// The ledger's generation (<see cref="Ledger.ILedger.Generation"/>): a failover shows itself to this process as
/// connections that break or cannot be opened; the first connection opened after that starts a new generation, so
/// that caches read before the failover are read again before they are trusted.
/// </summary>
/// <remarks>
/// Every statement of the ledger runs on a connection from <c>OpenAsync</c>, which reports here; pooled connections
/// that died with the old server break on their first use, which counts as a failure too.
/// </remarks>
public sealed partial class PostgresLedger
{
    private long _generation;
    private int _failed;

    public long Generation => Interlocked.Read(ref _generation);

    private void NoteUnreachable() => Volatile.Write(ref _failed, 1);

    private NpgsqlConnection Reached(NpgsqlConnection connection)
    {
        if (Interlocked.Exchange(ref _failed, 0) == 1)
        {
            var generation = Interlocked.Increment(ref _generation);
            _logger.LogWarning("The result ledger is reachable again after a failure; generation {Generation} begins and TPS grains re-read their forms", generation);
        }
        connection.StateChange += NoteBroken;
        return connection;
    }

    private void NoteBroken(object sender, StateChangeEventArgs change)
    {
        if (sender is NpgsqlConnection connection && connection.FullState.HasFlag(ConnectionState.Broken)) NoteUnreachable();
    }
}
