using System.Collections.Concurrent;
using KpuOrleans.Forms;

namespace KpuOrleans.Simulator.Tokens;

/// <summary>
/// The officers a night's forms come from, each with their own token: a TPS's KPPS sends its first form, the village's
/// PPS its corrections, and a batch comes from the narrowest office whose region holds all of its forms (a regency's
/// data centre uploading a pile of C.Hasil). Tokens are minted once per officer.
/// </summary>
public sealed class OfficerTokens(byte[] key, string issuer = OfficerToken.DefaultIssuer)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    private static readonly string[] RoleByDepth = ["provinsi", "kabkota", "ppk", "pps", "kpps"];

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

    public string For(ResultForm form) => ForRegion(form.Version > 1 ? VillageOf(form.Tps) : form.Tps);

    public string For(IReadOnlyList<ResultForm> forms)
    {
        var common = forms[0].Tps.Split('.');
        var length = common.Length;
        foreach (var form in forms.Skip(1))
        {
            var parts = form.Tps.Split('.');
            length = Math.Min(length, parts.Length);
            while (length > 0 && !common.AsSpan(0, length).SequenceEqual(parts.AsSpan(0, length))) length--;
        }
        var region = string.Join('.', common[..Math.Max(1, length)]);
        // A batch of one TPS may hold its corrections: its village's officer sends it.
        return ForRegion(length == common.Length ? VillageOf(region) : region);
    }

    /// <summary>The token of the office of <paramref name="region"/> (its level decides the role: PPK for a district, …).</summary>
    public string ForOffice(string region) => ForRegion(region);

    private string ForRegion(string region) => _byRegion.GetOrAdd(region, r =>
    {
        var role = RoleByDepth[Math.Min(r.Count(c => c == '.'), RoleByDepth.Length - 1)];
        return OfficerToken.Mint(key, $"{role}-{r}", r, role, Lifetime, issuer: issuer);
    });

    private static string VillageOf(string tps) => tps[..tps.LastIndexOf('.')];
}
