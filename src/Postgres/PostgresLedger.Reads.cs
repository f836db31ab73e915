using System.Threading.Channels;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using Microsoft.Extensions.Logging;
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
    private readonly Channel<PendingRead<string>> _reads = Channel.CreateUnbounded<PendingRead<string>>();
    private readonly Channel<PendingRead<RegionCode>> _regionReads = Channel.CreateUnbounded<PendingRead<RegionCode>>();
    private readonly Task[] _readers;

    private static readonly int ColumnCount = Columns.Split(',').Length;

    public Task<IReadOnlyList<AcceptedForm>> ReadTpsAsync(string tps, CancellationToken cancellationToken = default) =>
        Enqueue(_reads, tps, cancellationToken);

    public Task<IReadOnlyList<AcceptedForm>> ReadLatestUnderAsync(string region, CancellationToken cancellationToken = default) =>
        RegionCode.TryParse(region, out var code) ? Enqueue(_regionReads, code, cancellationToken) : Task.FromResult<IReadOnlyList<AcceptedForm>>([]);

    private static Task<IReadOnlyList<AcceptedForm>> Enqueue<TKey>(Channel<PendingRead<TKey>> reads, TKey key, CancellationToken cancellationToken)
    {
        var pending = new PendingRead<TKey>(key, new TaskCompletionSource<IReadOnlyList<AcceptedForm>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!reads.Writer.TryWrite(pending)) throw new LedgerUnavailableException("the ledger is shutting down");
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private Task ReadTpsLoopAsync() => GatherAsync(_reads, "TPS", async batch =>
    {
        var rows = (await QueryAsync($"SELECT {Columns} FROM kpu_ledger WHERE tps = ANY(@tps) ORDER BY tps, contest, version",
                command => command.Parameters.AddWithValue("tps", batch.Select(p => p.Key).Distinct().ToArray()), CancellationToken.None))
            .ToLookup(row => row.Form.Tps, StringComparer.Ordinal);
        return [.. batch.Select(p => (IReadOnlyList<AcceptedForm>)[.. rows[p.Key]])];
    });

    // One range of the primary key per region (tps is COLLATE "C", the order RegionCode.KeysBelow is bounded in), and
    // the latest version per (region, tps, contest), so that a district and a village of it in one batch each get theirs.
    private Task ReadRegionLoopAsync() => GatherAsync(_regionReads, "regions", async batch =>
    {
        var ranges = batch.Select(p => p.Key.KeysBelow).ToArray();
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
        return [.. Enumerable.Range(0, batch.Count).Select(i => (IReadOnlyList<AcceptedForm>)[.. byRegion[i]])];
    });

    /// <summary>Takes every reader waiting (up to <see cref="LedgerOptions.MaxBatch"/>) into one query; a failed query fails only its batch.</summary>
    /// <param name="query">The rows of each reader of the batch, in its order.</param>
    private async Task GatherAsync<TKey>(Channel<PendingRead<TKey>> reads, string what, Func<List<PendingRead<TKey>>, Task<IReadOnlyList<AcceptedForm>[]>> query)
    {
        var batch = new List<PendingRead<TKey>>(_options.MaxBatch);
        while (await reads.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && reads.Reader.TryRead(out var pending)) batch.Add(pending);
            if (batch.Count == 0) continue;
            try
            {
                var rows = await query(batch);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(rows[i]);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Ledger read of {Count} {What} failed", batch.Count, what);
                var unavailable = e as LedgerUnavailableException ?? new LedgerUnavailableException("The result ledger could not be read.", e);
                foreach (var pending in batch) pending.Done.TrySetException(unavailable);
            }
        }
    }

    private static string Prefixed(string table) => string.Join(", ", Columns.Split(',').Select(c => $"{table}.{c.Trim()}"));

    private sealed record PendingRead<TKey>(TKey Key, TaskCompletionSource<IReadOnlyList<AcceptedForm>> Done);
}
