using System.Globalization;
using System.Text;
using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Gateway.Api;

public static class ExportEndpoints
{
    public static RouteGroupBuilder MapExport(this RouteGroupBuilder api)
    {
        api.MapGet("/export/{contest}.csv", ExportCsv)
            .Produces(200, contentType: "text/csv").ProducesProblem(404);
        return api;
    }

    /// <summary>
    /// Open data, straight from the durable ledger: one row per TPS with its latest accepted form and that form's digest
    /// (API.md, "Digests"), streamed.
    /// </summary>
    private static async Task<IResult> ExportCsv(string contest, HttpContext http, RegionRegistry registry, ILedger ledger, CancellationToken cancellationToken)
    {
        if (registry.FindContest(contest) is not { } race) return Problems.NotFound($"Contest '{contest}' does not exist.");
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{race.Id}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 64 * 1024);
        var votes = string.Join(",", race.Candidates.Select(c => $"votes_{c.Number}"));
        await writer.WriteAsync($"tps,version,registered,voted_dpt,voted_dptb,voted_dpk,ballots_received,ballots_used,ballots_spoiled,ballots_unused,{votes},valid,invalid,accepted_at,digest\n");
        await foreach (var row in ledger.ReadLatestAsync(race.Id, cancellationToken))
        {
            var f = row.Form;
            var line = new StringBuilder(160)
                .Append(f.Tps).Append(',').Append(f.Version).Append(',').Append(f.Registered).Append(',')
                .Append(f.Voted.Dpt).Append(',').Append(f.Voted.Dptb).Append(',').Append(f.Voted.Dpk).Append(',')
                .Append(f.Ballots.Received).Append(',').Append(f.Ballots.Used).Append(',')
                .Append(f.Ballots.Spoiled).Append(',').Append(f.Ballots.Unused).Append(',');
            foreach (var candidate in race.Candidates) line.Append(f.Votes[candidate.Number]).Append(',');
            line.Append(f.Valid).Append(',').Append(f.Invalid).Append(',')
                .Append(row.AcceptedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)).Append(',')
                .Append(TallyDigest.OfForm(f, race)).Append('\n');
            await writer.WriteAsync(line, cancellationToken);
        }
        return Results.Empty;
    }
}
