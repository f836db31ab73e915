using System.Collections.Concurrent;
using KpuOrleans.Forms;
using KpuOrleans.Registry;

namespace KpuOrleans.Simulator.Tokens;

/// <summary>
/// The officers a night's forms come from, each with their own token: a TPS's KPPS sends its first form, the village's
/// PPS its corrections, and a batch comes from the narrowest office whose region holds all of its forms (a regency's
/// data centre uploading a pile of C.Hasil). Tokens are minted once per officer.
/// </summary>
public sealed class OfficerTokens(byte[] key, string issuer = OfficerToken.DefaultIssuer)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    /// <summary>By <see cref="Level"/> from the nation (-1) down: KPU RI above the provinces on the national registry.</summary>
    private static readonly string[] RoleByLevel = ["kpuri", "provinsi", "kabkota", "ppk", "pps", "kpps"];

    private readonly ConcurrentDictionary<string, string> _byRegion = new(StringComparer.Ordinal);

    /// <summary>Officers signing with this base64 key, for the gateways' issuer (<c>Auth__Issuer</c>); null without a key (forms go without tokens).</summary>
    public static OfficerTokens? From(string? base64Key, string? issuer = null)
    {
        if (string.IsNullOrEmpty(base64Key)) return null;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64Key);
        }
        catch (FormatException)
        {
            throw new ArgumentException("--token-key (or Auth__SigningKey) must be base64");
        }
        return key.Length >= 32 ? new OfficerTokens(key, issuer ?? OfficerToken.IssuerFromEnvironment())
            : throw new ArgumentException($"--token-key (or Auth__SigningKey) is {key.Length * 8} bits; HS256 needs at least 256");
    }

    /// <remarks>
    /// A form broken on purpose may claim a TPS that is no code at all (a control character in it, say): it is signed by
    /// the KPPS of exactly what it claims, as an officer who typed it would be, and the gateway judges the rest.
    /// </remarks>
    public string For(ResultForm form) =>
        RegionCode.TryParse(form.Tps, out var tps) ? ForRegion(form.Version > 1 ? tps.AncestorAt(Level.Village) : tps)
            : _byRegion.GetOrAdd(form.Tps, claimed => OfficerToken.Mint(key, $"kpps-{claimed}", claimed, RoleByLevel[^1], Lifetime, issuer: issuer));

    /// <remarks>A form that claims no valid code leaves the common office to the others (alone, it is signed as <see cref="For(ResultForm)"/> signs it).</remarks>
    public string For(IReadOnlyList<ResultForm> forms)
    {
        var codes = forms.Select(f => Claimed(f.Tps)).OfType<RegionCode>().ToList();
        if (codes.Count == 0) return For(forms[0]);
        var common = codes[0];
        foreach (var tps in codes.Skip(1))
        {
            // A batch spanning provinces has no common office; the first form's province signs it.
            while (!tps.IsWithin(common) && common.Parent is { } up) common = up;
        }
        // A batch of one TPS may hold its corrections: its village's officer sends it.
        return ForRegion(common.Level == Level.Tps ? common.AncestorAt(Level.Village) : common);
    }

    /// <summary>The code itself, or else its longest leading run of segments that is a code (null when not even its province is).</summary>
    private static RegionCode? Claimed(string tps)
    {
        for (var end = tps.Length; end > 0; end = tps.LastIndexOf('.', end - 1))
        {
            if (RegionCode.TryParse(tps[..end], out var code)) return code;
        }
        return null;
    }

    /// <summary>The token of the office of <paramref name="region"/> (its level decides the role: PPK for a district, …).</summary>
    public string ForOffice(string region) => ForRegion(RegionCode.Parse(region));

    private string ForRegion(RegionCode region) => _byRegion.GetOrAdd(region.Value, r =>
    {
        var role = RoleByLevel[(int)region.Level - (int)Level.Nation];
        return OfficerToken.Mint(key, $"{role}-{r}", r, role, Lifetime, issuer: issuer);
    });
}
