using System.Threading.Channels;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using Microsoft.Extensions.Logging;
using KpuOrleans.Registry;
using Npgsql;

namespace KpuOrleans.Postgres;

/// <summary>
/// Reads gathered like the appends: one query for every reader waiting instead of a round trip each. A TPS reads its
/// rows when it needs its history (a correction, a retry, a reader), and every village, district and regency reads the
/// latest forms below it when it activates, about 9,200 of them on the night, in bursts as the forms arrive: gathered,
/// those reads cost PostgreSQL a few hundred queries instead.
/// </summary>
public sealed partial class PostgresLedger
{
    private readonly Channel<PendingRead> _reads = Channel.CreateUnbounded<PendingRead>();
    private readonly Channel<PendingRegionRead> _regionReads = Channel.CreateUnbounded<PendingRegionRead>();
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

    public Task<IReadOnlyList<AcceptedForm>> ReadLatestUnderAsync(string region, CancellationToken cancellationToken = default)
    {
        if (!RegionCode.TryParse(region, out var code)) return Task.FromResult<IReadOnlyList<AcceptedForm>>([]);
        var pending = new PendingRegionRead(code, new TaskCompletionSource<IReadOnlyList<AcceptedForm>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_regionReads.Writer.TryWrite(pending)) throw new LedgerUnavailableException("the ledger is shutting down");
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task RegionReadLoopAsync()
    {
        var batch = new List<PendingRegionRead>(_options.MaxBatch);
        while (await _regionReads.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && _regionReads.Reader.TryRead(out var pending)) batch.Add(pending);
            if (batch.Count == 0) continue;
            try
            {
                // One range of the primary key per region (tps is COLLATE "C", the order RegionCode.KeysBelow is bounded
                // in); the latest version per (region, tps, contest), so that a district and a village of it in one
                // batch each get their rows.
                var ranges = batch.Select(p => p.Region.KeysBelow).ToArray();
                var rows = await QueryAsync($"""
                    SELECT DISTINCT ON (r.i, l.tps, l.contest) {Prefixed("l")}, r.i
                    FROM unnest(@from::text[], @to::text[]) WITH ORDINALITY AS r(f, t, i)
                    JOIN kpu_ledger l ON l.tps >= r.f COLLATE "C" AND l.tps < r.t COLLATE "C"
                    ORDER BY r.i, l.tps, l.contest, l.version DESC
                    """,
                    command =>
                    {
                        command.Parameters.AddWithValue("from", ranges.Select(r => r.From).ToArray());
                        command.Parameters.AddWithValue("to", ranges.Select(r => r.To).ToArray());
                    },
                    row => (Index: (int)row.GetInt64(ColumnCount) - 1, Form: Read(row)), CancellationToken.None);
                var byRegion = rows.ToLookup(r => r.Index, r => r.Form);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult([.. byRegion[i]]);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Ledger read of {Count} regions failed", batch.Count);
                var unavailable = e as LedgerUnavailableException ?? new LedgerUnavailableException("The result ledger could not be read.", e);
                foreach (var pending in batch) pending.Done.TrySetException(unavailable);
            }
        }
    }

    private static readonly int ColumnCount = Columns.Split(',').Length;

    private static string Prefixed(string table) => string.Join(", ", Columns.Split(',').Select(c => $"{table}.{c.Trim()}"));

    private sealed record PendingRegionRead(RegionCode Region, TaskCompletionSource<IReadOnlyList<AcceptedForm>> Done);

    private sealed record PendingRead(string Tps, TaskCompletionSource<IReadOnlyList<AcceptedForm>> Done);
}
