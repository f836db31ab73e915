using KpuOrleans.Certification;
using KpuOrleans.Forms;
using KpuOrleans.Registry;

namespace KpuOrleans.Gateway.Auth;

/// <summary>
/// Who may write which form (API.md, "Authentication"): an officer writes only for the TPS inside the region their
/// token names, at the level their role works at; corrections (version above 1) need a village officer or above.
/// </summary>
public static class OfficerScope
{
    /// <returns>Null when the officer may submit the form; otherwise why not, for a 403.</returns>
    public static string? Refusal(Officer officer, ResultForm form, RegionRegistry registry)
    {
        if (LevelRefusal(officer, registry) is { } refusal) return refusal;
        // The national commission oversees the recap; the forms are the recap's own officers' to write.
        if (officer.Role == OfficerRole.Kpuri)
            return "KPU RI (role 'kpuri') reads and operates but writes no form: forms are sent by kpps, pps, ppk, kabkota or provinsi officers";
        if (!Contains(officer.Region, form.Tps)) return $"TPS {form.Tps} is outside the token's region {officer.Region}";
        if (form.Version > 1 && officer.Role == OfficerRole.Kpps)
            return $"a correction (version {form.Version}) needs a village officer (pps) or above; a KPPS sends version 1";
        return null;
    }

    /// <returns>Null when the officer may certify <paramref name="region"/> (<see cref="CertificationRules.MaySign"/>), at their own level.</returns>
    public static string? CertifyRefusal(Officer officer, RegionInfo region, RegionRegistry registry) =>
        LevelRefusal(officer, registry)
        // Said on its own: "signed by its own officer" alone would leave KPU RI looking for a region it could sign.
        ?? (officer.Role == OfficerRole.Kpuri
            ? $"KPU RI (role 'kpuri') certifies nothing: a certificate of {region.Code} is signed by its own {RoleFor(region.Level)} officer, bottom up to the province"
            : null)
        ?? (CertificationRules.MaySign(officer.Region, region) ? null
            : $"a certificate of {region.Code} is signed by its own {RoleFor(region.Level)} officer; the token's region is {officer.Region}");

    /// <returns>Null when the officer may withdraw the certificate of <paramref name="region"/> (<see cref="CertificationRules.MayWithdraw"/>).</returns>
    public static string? WithdrawRefusal(Officer officer, RegionInfo region, RegionRegistry registry) =>
        LevelRefusal(officer, registry) ?? (CertificationRules.MayWithdraw(officer.Region, region) ? null
            : $"{region.Code} is outside the token's region {officer.Region}");

    /// <returns>
    /// Null when the officer may resolve a dispute about <paramref name="tps"/>: a district officer (ppk) or above whose
    /// region contains it; KPPS and PPS sit too close to the form to judge a dispute of it.
    /// </returns>
    public static string? ResolveRefusal(Officer officer, string tps, RegionRegistry registry)
    {
        if (LevelRefusal(officer, registry) is { } refusal) return refusal;
        if (officer.Role is OfficerRole.Kpps or OfficerRole.Pps)
            return "a dispute is resolved by an officer of the TPS's district or above (ppk, kabkota, provinsi or kpuri)";
        return Contains(officer.Region, tps) ? null : $"TPS {tps} is outside the token's region {officer.Region}";
    }

    private static string? LevelRefusal(Officer officer, RegionRegistry registry)
    {
        if (registry.Find(officer.Region) is not { } scope) return $"the token's region '{officer.Region}' is not in the registry";
        var level = Officer.LevelOf(officer.Role);
        return scope.Level == level ? null
            : $"role '{Officer.RoleNames.First(r => r.Value == officer.Role).Key}' works at {level} level, but the token's region {scope.Code} is a {scope.Level}";
    }

    private static string RoleFor(Level level) => Officer.RoleNames.First(r => Officer.LevelOf(r.Value) == level).Key;

    private static bool Contains(string scope, string code) =>
        RegionCode.TryParse(scope, out var region) && RegionCode.TryParse(code, out var inside) && inside.IsWithin(region);
}
