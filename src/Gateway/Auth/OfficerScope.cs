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
        if (registry.Find(officer.Region) is not { } scope) return $"the token's region '{officer.Region}' is not in the registry";
        var roleName = Officer.RoleNames.First(r => r.Value == officer.Role).Key;
        var level = Officer.LevelOf(officer.Role);
        if (scope.Level != level)
            return $"role '{roleName}' works at {level} level, but the token's region {scope.Code} is a {scope.Level}";
        if (!Contains(scope.Code, form.Tps)) return $"TPS {form.Tps} is outside the token's region {scope.Code}";
        if (form.Version > 1 && officer.Role == OfficerRole.Kpps)
            return $"a correction (version {form.Version}) needs a village officer (pps) or above; a KPPS sends version 1";
        return null;
    }

    private static bool Contains(string scope, string tps) =>
        tps == scope || tps.StartsWith(scope + ".", StringComparison.Ordinal);
}
