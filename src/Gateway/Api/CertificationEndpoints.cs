using KpuOrleans.Certification;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Protection;
using KpuOrleans.Registry;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Gateway.Api;

/// <summary>
/// The tiered recap (API.md, "Certification"): a district by its PPK, a regency by its KPU, the province by KPU
/// Provinsi, bottom up; withdrawn with a reason by the same level or above; every certificate published.
/// </summary>
public static class CertificationEndpoints
{
    /// <summary>A withdrawal says why, as a correction does.</summary>
    private const int MaxReason = 500;

    public static RouteGroupBuilder MapCertification(this RouteGroupBuilder api)
    {
        api.MapPost("/certify/{contest}/{code}", Certify)
            .Produces<CertificateDto>(201).Produces<CertificateDto>(200)
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .RequireWriter(api).AsWrite();
        api.MapDelete("/certify/{contest}/{code}", Withdraw)
            .Produces<CertificateDto>(200).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422)
            .RequireWriter(api).AsWrite();
        api.MapGet("/export/{contest}/certificates.json", Export)
            .Produces<CertificateDto[]>(200).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Certify(string contest, string code, HttpContext http, RegionRegistry registry, IGrainFactory grains,
        WriterAccess access)
    {
        if (CertificationRules.Certifiable(registry, contest, code) is not { } region) return NotCertifiable(registry, contest, code);
        var (officer, unnamed) = access.OfficerOf(http.User);
        if (unnamed is not null) return Forbidden(unnamed);
        if (officer is not null && OfficerScope.CertifyRefusal(officer, region, registry) is { } refusal) return Forbidden(refusal);

        var outcome = await grains.GetCertificationGrain(contest, code).Certify(officer?.Subject ?? FormSubmissions.AnonymousSubmitter);
        return outcome.Status switch
        {
            CertificationStatus.Done => TypedResults.Json(CertificateDto.From(outcome.Certificate!, registry), statusCode: 201),
            CertificationStatus.Repeated => TypedResults.Ok(CertificateDto.From(outcome.Certificate!, registry)),
            _ => Refused(outcome, registry),
        };
    }

    private static async Task<IResult> Withdraw(string contest, string code, HttpContext http, RegionRegistry registry, IGrainFactory grains,
        WriterAccess access, CancellationToken cancellationToken)
    {
        if (CertificationRules.Certifiable(registry, contest, code) is not { } region) return NotCertifiable(registry, contest, code);
        var (officer, unnamed) = access.OfficerOf(http.User);
        if (unnamed is not null) return Forbidden(unnamed);
        if (officer is not null && OfficerScope.WithdrawRefusal(officer, region, registry) is { } refusal) return Forbidden(refusal);
        var (document, problem) = await RequestJson.ReadAsync(http.Request, RequestJson.FormLimit, cancellationToken);
        // No body at all is a withdrawal without a reason, as `{}` is.
        if (problem is not null && problem.Title != RequestJson.EmptyBodyTitle) return Problems.Result(problem);
        string? reason = null;
        using (document)
        {
            if (document?.RootElement is { ValueKind: System.Text.Json.JsonValueKind.Object } root && root.TryGetProperty("reason", out var value)
                && value.ValueKind == System.Text.Json.JsonValueKind.String) reason = value.GetString();
        }
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReason)
            return Problems.Result(Problems.Create(422, "A withdrawal needs a reason",
                $"Send {{ \"reason\": \"...\" }} (1–{MaxReason} characters): withdrawals are audited.",
                new Dictionary<string, string[]> { ["reason"] = [$"Required, 1–{MaxReason} characters."] }));

        var outcome = await grains.GetCertificationGrain(contest, code).Withdraw(officer?.Subject ?? FormSubmissions.AnonymousSubmitter, reason);
        return outcome.Status == CertificationStatus.Done
            ? TypedResults.Ok(CertificateDto.From(outcome.Certificate!, registry))
            : Refused(outcome, registry);
    }

    /// <summary>Written as the register is read: the JSON array grows with the certificates, never held whole.</summary>
    private static IResult Export(string contest, RegionRegistry registry, ICertificateRegister register, CancellationToken cancellationToken)
    {
        if (registry.FindContest(contest) is null) return Problems.NotFound($"Contest '{contest}' does not exist.");
        return TypedResults.Ok(Dtos(register.StreamAllAsync(contest, cancellationToken), registry));
    }

    private static async IAsyncEnumerable<CertificateDto> Dtos(IAsyncEnumerable<Certificate> certificates, RegionRegistry registry)
    {
        await foreach (var certificate in certificates) yield return CertificateDto.From(certificate, registry);
    }

    /// <summary>Why <see cref="CertificationRules.Certifiable"/> said no, in the order a client fixes it.</summary>
    private static IResult NotCertifiable(RegionRegistry registry, string contest, string code)
    {
        if (registry.FindContest(contest) is not { } race) return Problems.NotFound($"Contest '{contest}' does not exist.");
        if (registry.Find(code) is not { } region) return Problems.NotFound($"Region '{code}' is not in the registry.");
        if (region.FindContest(contest) is null) return Problems.NotFound($"Contest {contest} does not cover region {code}: its scope is {race.Scope}.");
        return Problems.Result(Problems.Create(422, "Not a certifying tier",
            $"{code} is a {region.Level.ToApiName()}: districts (PPK), regencies (KPU Kabupaten/Kota) and the province (KPU Provinsi) certify.",
            new Dictionary<string, string[]> { ["code"] = ["Must be a district, regency or province code."] }));
    }

    private static IResult Forbidden(string why) => Problems.Result(Problems.Create(403, "Outside your scope", $"{why}; nothing was changed."));

    private static IResult Refused(CertificationOutcome outcome, RegionRegistry registry)
    {
        var (status, title) = outcome.Status switch
        {
            CertificationStatus.NotCertified => (404, "Not certified"),
            CertificationStatus.Incomplete => (409, "Not ready to certify"),
            CertificationStatus.AlreadyCertified => (409, "Already certified"),
            CertificationStatus.ParentCertified => (409, "Certified above"),
            _ => (409, "Certification under way"),
        };
        var extensions = new List<KeyValuePair<string, object?>>();
        if (outcome.Missing.Count > 0) extensions.Add(new("missing", outcome.Missing));
        if (outcome.Certificate is { } certificate) extensions.Add(new("certificate", CertificateDto.From(certificate, registry)));
        return Problems.Result(Problems.Create(status, title, outcome.Detail, extensions: extensions));
    }
}
