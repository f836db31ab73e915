using System.Security.Claims;
using KpuOrleans.Registry;

namespace KpuOrleans.Gateway.Auth;

/// <summary>The election officials, each at one level of the recap; all but KPU RI write forms.</summary>
public enum OfficerRole
{
    /// <summary>KPPS: the polling-station committee, one TPS.</summary>
    Kpps,
    /// <summary>PPS: the village committee.</summary>
    Pps,
    /// <summary>PPK: the district committee.</summary>
    Ppk,
    /// <summary>KPU Kabupaten/Kota: the regency commission.</summary>
    Kabkota,
    /// <summary>KPU Provinsi.</summary>
    Provinsi,
    /// <summary>KPU RI: the national commission, above the provinces; it reads and operates, it writes no form.</summary>
    Kpuri,
}

/// <summary>A writer as its token names it: who (<c>sub</c>), where (<c>region</c>) and as what (<c>role</c>).</summary>
public sealed record Officer(string Subject, string Region, OfficerRole Role)
{
    public const string RegionClaim = "region";
    public const string RoleClaim = "role";

    /// <summary>The level a role works at; a token whose region is at another level is refused.</summary>
    public static Level LevelOf(OfficerRole role) => role switch
    {
        OfficerRole.Kpps => Level.Tps,
        OfficerRole.Pps => Level.Village,
        OfficerRole.Ppk => Level.District,
        OfficerRole.Kabkota => Level.Regency,
        OfficerRole.Provinsi => Level.Province,
        _ => Level.Nation,
    };

    /// <summary>The officer a validated token names, or null with the reason when a claim is missing or unknown.</summary>
    public static (Officer? Officer, string? Problem) From(ClaimsPrincipal user)
    {
        var subject = user.FindFirst("sub")?.Value;
        var region = user.FindFirst(RegionClaim)?.Value;
        var role = user.FindFirst(RoleClaim)?.Value;
        if (string.IsNullOrWhiteSpace(subject)) return (null, "the token has no 'sub' (the officer's id)");
        // sub becomes the form's submittedBy: text the ledger (or a reader of it) cannot hold is refused like a form's (rule 9).
        if (Forms.FormRules.HasControl(subject)) return (null, "the token's 'sub' holds NUL or other control characters; it cannot be recorded as submittedBy");
        if (string.IsNullOrWhiteSpace(region)) return (null, "the token has no 'region' (the officer's scope)");
        if (role is null || !RoleNames.TryGetValue(role, out var parsed))
            return (null, $"the token's 'role' must be one of {string.Join(", ", RoleNames.Keys)}");
        return (new Officer(subject, region, parsed), null);
    }

    public static readonly IReadOnlyDictionary<string, OfficerRole> RoleNames = new Dictionary<string, OfficerRole>(StringComparer.Ordinal)
    {
        ["kpps"] = OfficerRole.Kpps,
        ["pps"] = OfficerRole.Pps,
        ["ppk"] = OfficerRole.Ppk,
        ["kabkota"] = OfficerRole.Kabkota,
        ["provinsi"] = OfficerRole.Provinsi,
        ["kpuri"] = OfficerRole.Kpuri,
    };
}
