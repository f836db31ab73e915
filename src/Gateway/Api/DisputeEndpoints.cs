using System.Globalization;
using KpuOrleans.Evidence;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Protection;
using KpuOrleans.Registry;

namespace KpuOrleans.Gateway.Api;

/// <summary>
/// API.md "Disputes": anyone reports a TPS whose numbers differ from its photo; a district officer or above settles it.
/// The gateway judges the request and the reporter's limit; the <see cref="IDisputeDesk"/> on a silo writes.
/// </summary>
public static class DisputeEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static RouteGroupBuilder MapDisputes(this RouteGroupBuilder api)
    {
        // Anonymous, but a write: no other site's page may make a browser send one (no CORS), and the readers' limit applies.
        api.MapPost("/disputes", Open)
            .Produces<DisputeDto>(201).Produces<DisputeDto>(200)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(413).ProducesProblem(422).ProducesProblem(429)
            .AsWrite();
        api.MapGet("/disputes", List).Produces<DisputeDto[]>(200).ProducesProblem(400).ProducesProblem(404);
        api.MapGet("/disputes/{id}", Get).Produces<DisputeDto>(200).ProducesProblem(404);
        api.MapPost("/disputes/{id}/resolve", Resolve)
            .Produces<DisputeDto>(200).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(422)
            .RequireWriter(api).AsWrite();
        return api;
    }

    private static IDisputeDesk Desk(IGrainFactory grains) => grains.GetGrain<IDisputeDesk>(0);

    private static async Task<IResult> Open(HttpContext http, RegionRegistry registry, IGrainFactory grains, DisputeReporters reporters,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await RequestJson.ReadAsync(http.Request, DisputeJson.Limit, cancellationToken);
        if (problem is not null) return Problems.Result(problem);
        Dictionary<string, string?> values;
        using (body)
        {
            (values, problem) = DisputeJson.Strings(body!.RootElement, "tps", "contest", "field", "note");
        }
        if (problem is not null) return Problems.Result(problem);
        if (values.FirstOrDefault(v => v.Value is null) is { Key: { } missing }) return Problems.Result(DisputeJson.Shape(missing, "Required."));
        var (tps, contestId, field, note) = (values["tps"]!, values["contest"]!, values["field"]!, values["note"]!);

        if (registry.Find(tps) is not { Level: Level.Tps }) return Problems.NotFound($"TPS '{tps}' is not in the registry.");
        if (registry.FindContest(contestId) is not { } contest) return Problems.NotFound($"Contest '{contestId}' does not exist.");
        if (!contest.Covers(tps)) return Problems.NotFound($"Contest {contestId} does not cover TPS {tps}: its scope is {contest.Scope}.");

        var errors = new Dictionary<string, string[]>();
        if (!DisputeJson.IsFormField(field, contest))
            errors["field"] = [$"Must be one of the form's fields: {string.Join(", ", DisputeJson.FormFields)} or votes.<ballot number> of {contestId} ({string.Join(", ", contest.Candidates.Select(c => c.Number))})."];
        if (DisputeJson.TextRefusal(note, "what the photo shows") is { } noteRule) errors["note"] = [noteRule];
        if (errors.Count > 0)
            return Problems.Result(Problems.Create(422, "Invalid dispute", string.Join(" ", errors.Select(e => $"'{e.Key}': {e.Value[0]}")), errors));

        if (reporters.Refusal(http) is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return Problems.Result(Problems.Create(429, "Too many disputes",
                $"This client address may report {reporters.PerHour} disputes an hour (Disputes:PerAddressPerHour); retry after {seconds} s."));
        }

        var opening = await Desk(grains).Open(new DisputeReport(tps, contestId, field, note), reporters.ReporterOf(http));
        return opening.Status switch
        {
            DisputeOpeningStatus.Opened => TypedResults.Created($"/api/v1/disputes/{opening.Dispute!.Id}", DisputeDto.From(opening.Dispute)),
            DisputeOpeningStatus.AlreadyOpen => TypedResults.Ok(DisputeDto.From(opening.Dispute!)),
            _ => Problems.NotFound($"Nothing is accepted at TPS {tps} for {contestId} yet: there are no numbers to dispute."),
        };
    }

    private static async Task<IResult> Get(string id, IGrainFactory grains) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && await Desk(grains).Get(number) is { } dispute
            ? TypedResults.Ok(DisputeDto.From(dispute))
            : Problems.NotFound($"No dispute '{id}'.");

    private static async Task<IResult> List(HttpRequest request, RegionRegistry registry, IGrainFactory grains)
    {
        var query = request.Query;
        var region = query["region"] is [{ } named] ? named : registry.Root.Code;
        bool? open;
        switch (query["status"].ToString())
        {
            case "" or "open": open = true; break;
            case "resolved": open = false; break;
            case "all": open = null; break;
            default: return Problems.Result(Bad("status", "Must be open, resolved or all."));
        }
        var limit = DefaultLimit;
        if (query["limit"] is [{ } text] && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            return Problems.Result(Bad("limit", $"Must be a whole number from 1 to {MaxLimit}."));
        if (query["region"].Count > 1 || query["status"].Count > 1 || query["limit"].Count > 1)
            return Problems.Result(Bad("query", "Give each of region, status and limit at most once."));
        if (registry.Find(region) is null) return Problems.NotFound($"Region '{region}' is not in the registry.");
        var disputes = await Desk(grains).List(region, open, limit);
        return TypedResults.Ok(disputes.Select(DisputeDto.From).ToArray());
    }

    private static async Task<IResult> Resolve(string id, HttpContext http, RegionRegistry registry, IGrainFactory grains, WriterAccess access,
        CancellationToken cancellationToken)
    {
        var (officer, unnamed) = access.OfficerOf(http.User);
        if (unnamed is not null) return Forbidden(unnamed);
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || await Desk(grains).Get(number) is not { } dispute)
            return Problems.NotFound($"No dispute '{id}'.");
        if (officer is not null && OfficerScope.ResolveRefusal(officer, dispute.Tps, registry) is { } refusal) return Forbidden(refusal);

        var (body, problem) = await RequestJson.ReadAsync(http.Request, DisputeJson.Limit, cancellationToken);
        if (problem is not null) return Problems.Result(problem);
        Dictionary<string, string?> values;
        long? version;
        using (body)
        {
            (values, problem) = DisputeJson.Strings(body!.RootElement, "outcome", "reason");
            if (problem is null) (version, problem) = DisputeJson.Integer(body.RootElement, "version");
            else version = null;
        }
        if (problem is not null) return Problems.Result(problem);

        var by = officer?.Subject ?? FormSubmissions.AnonymousSubmitter;
        DisputeResolution resolution;
        switch (values["outcome"])
        {
            case DisputeDesk.Dismissed:
                if (DisputeJson.TextRefusal(values["reason"], "why it is dismissed") is { } rule)
                    return Problems.Result(DisputeJson.Invalid("A dismissal needs a reason", "reason", rule));
                resolution = new DisputeResolution(DisputeDesk.Dismissed, values["reason"], null, by, default);
                break;
            case DisputeDesk.Corrected:
                if (version is null)
                    return Problems.Result(DisputeJson.Invalid("A correction names its version", "version",
                        $"Required: the accepted version of {dispute.Tps} that corrects version {dispute.Version}."));
                resolution = new DisputeResolution(DisputeDesk.Corrected, null, version, by, default);
                break;
            default:
                return Problems.Result(DisputeJson.Invalid("Unknown outcome", "outcome", "Must be dismissed (with a reason) or corrected (with a version)."));
        }

        var resolving = await Desk(grains).Resolve(number, resolution);
        return resolving.Status switch
        {
            DisputeResolvingStatus.Resolved or DisputeResolvingStatus.Repeated => TypedResults.Ok(DisputeDto.From(resolving.Dispute!)),
            DisputeResolvingStatus.Conflict => Problems.Result(Problems.Create(409, "Already resolved",
                $"Dispute {number} was resolved already ({resolving.Dispute!.Resolution!.Outcome} by {resolving.Dispute.Resolution.By}); a resolution is never replaced.",
                extensions: [new("resolution", DisputeDto.From(resolving.Dispute).Resolution)])),
            DisputeResolvingStatus.NoSuchCorrection => Problems.Result(DisputeJson.Invalid("No such correction", "version", resolving.Detail!)),
            _ => Problems.NotFound($"No dispute '{id}'."),
        };
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails Bad(string parameter, string rule) =>
        Problems.Create(400, "Bad query", $"'{parameter}': {rule}", new Dictionary<string, string[]> { [parameter] = [rule] });

    private static IResult Forbidden(string why) => Problems.Result(Problems.Create(403, "Outside your scope", $"{why}; nothing was changed."));
}
