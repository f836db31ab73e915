using KpuOrleans.Evidence;
using KpuOrleans.Ledger;
using Npgsql;

namespace KpuOrleans.Postgres;

/// <summary>The photo catalogue lives beside the ledger, so that a form's pages and their arrival are read from one database.</summary>
public sealed partial class PostgresLedger : IPhotoCatalogue
{
    public async Task<bool> RecordAsync(PhotoRecord photo, CancellationToken cancellationToken = default)
    {
        var recorded = await QueryAsync("""
            INSERT INTO kpu_photos (sha256, content_type, bytes, width, height, stored_at)
            VALUES (@sha256, @type, @bytes, @width, @height, @at)
            ON CONFLICT (sha256) DO NOTHING
            RETURNING sha256
            """, command =>
            {
                command.Parameters.AddWithValue("sha256", photo.Sha256);
                command.Parameters.AddWithValue("type", photo.ContentType);
                command.Parameters.AddWithValue("bytes", photo.Bytes);
                command.Parameters.AddWithValue("width", photo.Width);
                command.Parameters.AddWithValue("height", photo.Height);
                command.Parameters.AddWithValue("at", photo.StoredAt.UtcDateTime);
            }, row => row.GetString(0), cancellationToken);
        return recorded.Count > 0;
    }

    public async Task<IReadOnlySet<string>> StoredAsync(IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken = default)
    {
        if (sha256s.Count == 0) return new HashSet<string>();
        var stored = await QueryAsync("SELECT sha256 FROM kpu_photos WHERE sha256 = ANY(@sha256)",
            command => command.Parameters.AddWithValue("sha256", sha256s.Distinct().ToArray()), row => row.GetString(0), cancellationToken);
        return stored.ToHashSet(StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<FormKey>> CitersAsync(string sha256, CancellationToken cancellationToken = default) =>
        await QueryAsync("""
            SELECT l.tps, l.contest FROM kpu_ledger l
            WHERE l.photos IS NOT NULL AND l.photos @> ARRAY[@sha256]
              AND l.version = (SELECT max(m.version) FROM kpu_ledger m WHERE m.tps = l.tps AND m.contest = l.contest)
            """, command => command.Parameters.AddWithValue("sha256", sha256),
            row => new FormKey(row.GetString(0), row.GetString(1)), cancellationToken);

    public async Task<IReadOnlyList<PhotoMissingSum>> ReadPhotoMissingAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync("""
            SELECT contest, left(tps, length(tps) - strpos(reverse(tps), '.')) AS village, count(*)::int
            FROM (SELECT DISTINCT ON (tps, contest) tps, contest, photos FROM kpu_ledger ORDER BY tps, contest, version DESC) latest
            WHERE photos IS NOT NULL
              AND EXISTS (SELECT 1 FROM unnest(photos) AS page WHERE NOT EXISTS (SELECT 1 FROM kpu_photos k WHERE k.sha256 = page))
            GROUP BY 1, 2
            """, _ => { }, row => new PhotoMissingSum(row.GetString(0), row.GetString(1), row.GetInt32(2)), cancellationToken);
}
