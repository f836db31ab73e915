using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using KpuOrleans.Telemetry;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Api.Export;

/// <summary>What an export file lists: the forms (<c>{contest}.csv</c>) or the pages they cite (<c>{contest}/photos.csv</c>).</summary>
public enum ExportSheet
{
    Forms,
    Photos,
}

/// <summary>One contest's CSV as generated at one moment, shared by every download until the next.</summary>
/// <param name="ETag">Strong: a hash of the bytes, so equal content keeps its tag across regenerations and gateways.</param>
/// <param name="LastModified">When this content was first generated (an unchanged regeneration keeps the older time).</param>
public sealed record ExportSnapshot(byte[] Content, string ETag, DateTimeOffset LastModified, DateTimeOffset GeneratedAt);

/// <summary>
/// The export's snapshots, one per contest: a download costs a ledger scan only when its contest's snapshot is older
/// than <see cref="ExportOptions.SnapshotInterval"/>, and then one scan serves everyone who asked meanwhile (requests
/// that arrive during a regeneration wait for it rather than start their own). Downloads then stream from memory, so a
/// slow reader holds no database connection.
/// </summary>
public sealed class ExportSnapshots(IExportSource source, IOptions<ExportOptions> options,
    TimeProvider clock, ILogger<ExportSnapshots> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Task<ExportSnapshot>> _current = [];
    private readonly Dictionary<string, ExportSnapshot> _lastGood = [];

    public async Task<ExportSnapshot> GetAsync(Contest race, ExportSheet sheet = ExportSheet.Forms)
    {
        Task<ExportSnapshot> snapshot;
        var key = sheet == ExportSheet.Forms ? race.Id : $"{race.Id}/{sheet}";
        lock (_gate)
        {
            if (!_current.TryGetValue(key, out snapshot!) || IsStale(snapshot))
                _current[key] = snapshot = RegenerateAsync(race, sheet, key);
        }
        return await snapshot;
    }

    /// <summary>Stale: done and old, or failed (a failure is not kept; the next request tries again).</summary>
    private bool IsStale(Task<ExportSnapshot> snapshot) =>
        snapshot.IsCompleted && (!snapshot.IsCompletedSuccessfully || clock.GetUtcNow() - snapshot.Result.GeneratedAt >= options.Value.SnapshotInterval);

    private async Task<ExportSnapshot> RegenerateAsync(Contest race, ExportSheet sheet, string key)
    {
        await Task.Yield(); // out of the lock before the scan starts
        var generatedAt = clock.GetUtcNow();
        byte[] content;
        try
        {
            content = sheet == ExportSheet.Forms ? await GenerateAsync(race) : await GeneratePhotosAsync(race);
            KpuMetrics.ExportSnapshots.Add(1, new KeyValuePair<string, object?>("contest", race.Id));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lock (_gate)
            {
                if (_lastGood.TryGetValue(key, out var previous))
                {
                    logger.LogWarning(e, "Export {Contest}: the ledger could not be read; serving the snapshot of {GeneratedAt:O}", race.Id, previous.GeneratedAt);
                    return previous;
                }
            }
            throw e as LedgerUnavailableException ?? new LedgerUnavailableException($"The export of {race.Id} cannot be read now.", e);
        }
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16))}\"";
        lock (_gate)
        {
            var lastModified = _lastGood.TryGetValue(key, out var previous) && previous.ETag == etag ? previous.LastModified : generatedAt;
            return _lastGood[key] = new ExportSnapshot(content, etag, lastModified, generatedAt);
        }
    }

    private async Task<byte[]> GenerateAsync(Contest race)
    {
        // Nobody's request owns the scan (others share it), so nobody's disconnect cancels it; the pool's command
        // timeout bounds it.
        using var buffer = new MemoryStream();
        await using (var writer = new StreamWriter(buffer, new UTF8Encoding(false), 64 * 1024, leaveOpen: true))
        {
            var votes = string.Join(",", race.Candidates.Select(c => $"votes_{c.Number}"));
            await writer.WriteAsync($"tps,version,registered,voted_dpt,voted_dptb,voted_dpk,ballots_received,ballots_used,ballots_spoiled,ballots_unused,{votes},valid,invalid,accepted_at,digest\n");
            var line = new StringBuilder(160);
            await foreach (var row in source.ReadLatestAsync(race.Id, CancellationToken.None))
            {
                var f = row.Form;
                line.Clear()
                    .Append(f.Tps).Append(',').Append(f.Version).Append(',').Append(f.Registered).Append(',')
                    .Append(f.Voted.Dpt).Append(',').Append(f.Voted.Dptb).Append(',').Append(f.Voted.Dpk).Append(',')
                    .Append(f.Ballots.Received).Append(',').Append(f.Ballots.Used).Append(',')
                    .Append(f.Ballots.Spoiled).Append(',').Append(f.Ballots.Unused).Append(',');
                foreach (var candidate in race.Candidates) line.Append(f.Votes[candidate.Number]).Append(',');
                line.Append(f.Valid).Append(',').Append(f.Invalid).Append(',')
                    .Append(row.AcceptedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)).Append(',')
                    .Append(TallyDigest.OfForm(f, race)).Append('\n');
                await writer.WriteAsync(line);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The pages each TPS's latest form cites, apart from the forms' file: its columns stay as outside readers know
    /// them (the digest last).
    /// </summary>
    private async Task<byte[]> GeneratePhotosAsync(Contest race)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new StreamWriter(buffer, new UTF8Encoding(false), 64 * 1024, leaveOpen: true))
        {
            await writer.WriteAsync("tps,version,photos\n");
            await foreach (var row in source.ReadLatestAsync(race.Id, CancellationToken.None))
            {
                if (row.Form.Pages.Count == 0) continue;
                await writer.WriteAsync($"{row.Form.Tps},{row.Form.Version},{string.Join(' ', row.Form.Pages)}\n");
            }
        }
        return buffer.ToArray();
    }
}
