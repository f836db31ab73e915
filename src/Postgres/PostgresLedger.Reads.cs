using System.Threading.Channels;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KpuOrleans.Postgres;

/// <summary>
/// Reads of one TPS's rows, gathered like the appends. On election night nearly every form is its TPS's first, and
/// activates a grain that must read the ledger before it can judge the form: one query for every TPS waiting,
/// instead of a round trip each, keeps that from costing PostgreSQL and the silo more than the append itself.
/// </summary>
public sealed partial class PostgresLedger
{
    private readonly Channel<PendingRead> _reads = Channel.CreateUnbounded<PendingRead>();
    private readonly Task[] _readers;

    public Task<IReadOnlyList<AcceptedForm>> ReadTpsAsync(string tps, CancellationToken cancellationToken = default)
    {
        var pending = new PendingRead(tps, new TaskCompletionSource<IReadOnlyList<AcceptedForm>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_reads.Writer.TryWrite(pending)) throw new LedgerUnavailableException("the ledger is shutting down");
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task ReadLoopAsync()
    {
        var batch = new List<PendingRead>(_options.MaxBatch);
        while (await _reads.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && _reads.Reader.TryRead(out var pending)) batch.Add(pending);
            if (batch.Count == 0) continue;
            try
            {
                var rows = (await QueryAsync($"SELECT {Columns} FROM kpu_ledger WHERE tps = ANY(@tps) ORDER BY tps, contest, version",
                        command => command.Parameters.AddWithValue("tps", batch.Select(p => p.Tps).Distinct().ToArray()), CancellationToken.None))
                    .ToLookup(row => row.Form.Tps, StringComparer.Ordinal);
                foreach (var pending in batch) pending.Done.TrySetResult([.. rows[pending.Tps]]);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Ledger read of {Count} TPS failed", batch.Count);
                var unavailable = e as LedgerUnavailableException ?? new LedgerUnavailableException("The result ledger could not be read.", e);
                foreach (var pending in batch) pending.Done.TrySetException(unavailable);
            }
        }
    }

    private sealed record PendingRead(string Tps, TaskCompletionSource<IReadOnlyList<AcceptedForm>> Done);
}
