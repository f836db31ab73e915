using System.Text.Json;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Protection;
using KpuOrleans.Registry;
using KpuOrleans.Tps;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Gateway.Api;

public static class ResultEndpoints
{

    /// <summary>Seconds a client should wait after a 503 before trying again.</summary>
    public const string RetryAfterSeconds = "5";

    public static RouteGroupBuilder MapResults(this RouteGroupBuilder api)
    {
        // No Accepts(): a JSON body is read whatever Content-Type claims, so `curl -d` works as printed.
        api.MapPost("/results", SubmitOne)
            .Produces<AcceptanceDto>(201).Produces<AcceptanceDto>(200)
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413).ProducesProblem(422).ProducesProblem(429).ProducesProblem(503)
            .RequireWriter(api).AsWrite();
        api.MapPost("/results/batch", SubmitBatch)
            .Produces<BatchResultDto>(200).ProducesProblem(400).ProducesProblem(413).ProducesProblem(422)
            .RequireWriter(api).AsWrite();
        api.MapGet("/tps/{tps}/results/{contest}", GetTpsResults)
            .Produces<TpsResultsDto>(200).ProducesProblem(400).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> SubmitOne(HttpContext http, FormSubmissions submissions, WriterAccess access, CancellationToken cancellationToken)
    {
        var (officer, unnamed) = access.OfficerOf(http.User);
        if (unnamed is not null) return FormSubmissions.Refused(Problems.Create(403, "Token without a scope", unnamed));
        var (document, problem) = await RequestJson.ReadAsync(http.Request, RequestJson.FormLimit, cancellationToken);
        if (problem is not null) return FormSubmissions.Refused(problem);
        using (document)
        {
            var result = await submissions.SubmitAsync(document!.RootElement, officer, cancellationToken);
            if (result.Status == 503) http.Response.Headers.RetryAfter = RetryAfterSeconds;
            if (result.RetryAfterSeconds is { } wait) http.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return result.Body is ProblemDetails details ? Problems.Result(details) : TypedResults.Json(result.Body, statusCode: result.Status);
        }
    }

    private static async Task<IResult> SubmitBatch(HttpContext http, FormSubmissions submissions, WriterAccess access, CancellationToken cancellationToken)
    {
        var (officer, unnamed) = access.OfficerOf(http.User);
        if (unnamed is not null) return FormSubmissions.Refused(Problems.Create(403, "Token without a scope", unnamed));
        var (document, problem) = await RequestJson.ReadAsync(http.Request, RequestJson.BatchLimit, cancellationToken);
        if (problem is not null) return FormSubmissions.Refused(problem);
        using (document)
        {
            var (forms, invalid) = BatchRequest.Read(document!.RootElement);
            if (invalid is not null) return FormSubmissions.Refused(invalid);
            var results = await SubmitInOrderPerTps(forms, officer, submissions, cancellationToken);
            return TypedResults.Ok(new BatchResultDto(results));
        }
    }

    /// <summary>
    /// Forms for different TPS run concurrently; forms for the same TPS run in batch order, so a batch holding a
    /// form and its correction means what it says.
    /// </summary>
    private static async Task<BatchItemDto[]> SubmitInOrderPerTps(JsonElement[] forms, Officer? officer, FormSubmissions submissions, CancellationToken cancellationToken)
    {
        var results = new BatchItemDto[forms.Length];
        var byTps = Enumerable.Range(0, forms.Length).GroupBy(i => TpsOf(forms[i]) ?? $"#{i}");
        await Task.WhenAll(byTps.Select(async group =>
        {
            foreach (var index in group)
            {
                var result = await submissions.SubmitAsync(forms[index], officer, cancellationToken);
                results[index] = new BatchItemDto(index, result.Status, result.Body);
            }
        }));
        return results;
    }

    private static string? TpsOf(JsonElement form) =>
        form.ValueKind == JsonValueKind.Object && form.TryGetProperty("tps", out var tps) && tps.ValueKind == JsonValueKind.String
            ? tps.GetString()
            : null;

    /// <summary>Versions in one page of a TPS's history when the reader names no <c>limit</c>.</summary>
    public const int DefaultPage = 20;

    /// <summary>The most versions one answer holds: a history can reach 100,000 versions, an answer stays small.</summary>
    public const int MaxPage = 100;

    /// <summary>
    /// A TPS's accepted versions. With <c>limit</c> or <c>before</c> a page, newest first; with neither the shape
    /// older clients know (oldest first), but only the newest <see cref="MaxPage"/> versions, flagged as truncated.
    /// </summary>
    private static async Task<IResult> GetTpsResults(string tps, string contest, string? limit, string? before, RegionRegistry registry, IGrainFactory grains)
    {
        if (PageSize(limit) is not { } size) return BadParameter("limit", $"limit must be a whole number from 1 to {MaxPage}.");
        if (!TryBefore(before, out var below)) return BadParameter("before", "before must be a version number, 1 or more.");
        if (registry.Find(tps) is not { Level: Level.Tps } station) return Problems.NotFound($"'{tps}' is not a TPS of the registry.");
        if (station.FindContest(contest) is not { } race) return Problems.NotFound($"Contest '{contest}' does not exist or does not cover TPS {tps}.");
        var paged = limit is not null || before is not null;
        var page = await grains.GetGrain<ITpsGrain>(tps).GetHistoryPage(contest, paged ? size : MaxPage, below);
        if (page.Current is null) return Problems.NotFound($"No form for {contest} has been accepted at TPS {tps} yet.");
        IReadOnlySet<string>? stored = page.PagesStored?.ToHashSet(StringComparer.Ordinal);
        var forms = page.Versions.Select(h => FormDto.From(h, race, stored));
        var next = page.More
            ? $"/api/v1/tps/{Uri.EscapeDataString(tps)}/results/{Uri.EscapeDataString(contest)}?limit={(paged ? size : MaxPage)}&before={page.Versions[^1].Form.Version}"
            : null;
        return TypedResults.Ok(new TpsResultsDto(FormDto.From(page.Current, race, stored), [.. paged ? forms : forms.Reverse()], page.More, next));
    }

    private static int? PageSize(string? limit) => limit is null ? DefaultPage
        : int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxPage ? n
        : null;

    /// <param name="version">Versions below this are listed; null when the parameter is absent (no bound).</param>
    private static bool TryBefore(string? before, out long? version)
    {
        version = null;
        if (before is null) return true;
        if (!long.TryParse(before, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) || v < 1) return false;
        version = v;
        return true;
    }

    private static IResult BadParameter(string name, string rule) =>
        Problems.Result(Problems.Create(400, $"Bad {name}", rule, new Dictionary<string, string[]> { [name] = [rule] }));
}

public sealed record BatchItemDto(int Index, int Status, object Body);

public sealed record BatchResultDto(IReadOnlyList<BatchItemDto> Results);
