using KpuOrleans.Gateway.Api.Export;
using KpuOrleans.Registry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace KpuOrleans.Gateway.Api;

public static class ExportEndpoints
{
    public static RouteGroupBuilder MapExport(this RouteGroupBuilder api)
    {
        api.MapGet("/export/{contest}.csv", (string contest, HttpContext http, RegionRegistry registry, ExportSnapshots snapshots,
                ExportDownloads downloads, IOptions<ExportOptions> options) => ExportCsv(contest, ExportSheet.Forms, http, registry, snapshots, downloads, options))
            .Produces(200, contentType: "text/csv").Produces(304).ProducesProblem(404).ProducesProblem(503);
        api.MapGet("/export/{contest}/photos.csv", (string contest, HttpContext http, RegionRegistry registry, ExportSnapshots snapshots,
                ExportDownloads downloads, IOptions<ExportOptions> options) => ExportCsv(contest, ExportSheet.Photos, http, registry, snapshots, downloads, options))
            .Produces(200, contentType: "text/csv").Produces(304).ProducesProblem(404).ProducesProblem(503);
        return api;
    }

    /// <summary>
    /// Open data, from the durable ledger: one row per TPS with its latest accepted form and that form's digest
    /// (API.md, "Digests"), out of a snapshot at most <see cref="ExportOptions.SnapshotInterval"/> old.
    /// </summary>
    private static async Task<IResult> ExportCsv(string contest, ExportSheet sheet, HttpContext http, RegionRegistry registry, ExportSnapshots snapshots,
        ExportDownloads downloads, IOptions<ExportOptions> options)
    {
        if (registry.FindContest(contest) is not { } race) return Problems.NotFound($"Contest '{contest}' does not exist.");
        var snapshot = await snapshots.GetAsync(race, sheet);
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        var notModified = ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == snapshot.ETag);
        // A revalidation costs no download slot; a refusal carries no validators a cache could mistake for the file's.
        if (!notModified)
        {
            if (!downloads.TryEnter()) return downloads.Refused();
            http.Response.RegisterForDispose(downloads.Slot());
        }
        var headers = http.Response.Headers;
        headers.ETag = snapshot.ETag;
        headers.LastModified = snapshot.LastModified.ToString("R");
        headers.CacheControl = $"public, max-age={(int)Math.Max(1, options.Value.SnapshotInterval.TotalSeconds)}";
        if (notModified) return TypedResults.StatusCode(304);

        // A reader that stops reading is cut off once its socket's buffers are full, freeing its slot. (HTTP/2 has
        // flow control per stream and no per-request rate in Kestrel: there the connection-wide limit applies.)
        if (http.Features.Get<IHttpMinResponseDataRateFeature>() is { } rate && http.Request.Protocol == HttpProtocol.Http11)
            rate.MinDataRate = new MinDataRate(options.Value.MinBytesPerSecond, gracePeriod: TimeSpan.FromSeconds(5));
        var file = sheet == ExportSheet.Forms ? $"{race.Id}.csv" : $"{race.Id}-photos.csv";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}\"";
        return TypedResults.Bytes(snapshot.Content, "text/csv; charset=utf-8");
    }
}
