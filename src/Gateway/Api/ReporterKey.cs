using System.Security.Cryptography;
using System.Text;
using KpuOrleans.Gateway.Auth;

namespace KpuOrleans.Gateway.Api;

/// <summary>
/// The key of the reporter hash. A keyed hash rather than a plain one: the IPv4 space is small enough to hash whole,
/// so a plain SHA-256 of an address would be the address to anyone holding the database. The key stays with the
/// gateways (configuration, a Secret), never in the database beside the hashes, so a dump of the database alone does
/// not give the addresses back. Where it comes from, in order:
/// <list type="number">
/// <item><c>Disputes:AddressKey</c>, the production choice: a secret of its own, shared by every gateway.</item>
/// <item>Derived one way from <c>Auth:SigningKey</c>, which every gateway of a cluster holds already to check tokens:
/// stable across gateways and restarts with nothing more to configure (rehearsals, the dev overlay).</item>
/// <item>Otherwise a random key for this process: right for the embedded mode, whose reports live as long as the
/// process; in a cluster (single sign-on, no signing key) deduplication then holds per gateway only, which the
/// start-up log says as an error, naming the key.</item>
/// </list>
/// </summary>
public sealed record ReporterKey(byte[] Key, string Source)
{
    public static ReporterKey From(DisputeOptions disputes, WriterAuthOptions auth)
    {
        if (disputes.AddressKey is { Length: > 0 } configured) return new(Convert.FromBase64String(configured), $"{DisputeOptions.Section}:AddressKey");
        if (auth.SigningKey is { Length: > 0 } signing && TryBase64(signing) is { Length: >= 32 } signingKey)
            return new(HMACSHA256.HashData(signingKey, "kpu-orleans disputes: reporter address key v1"u8), "derived from Auth:SigningKey");
        return new(RandomNumberGenerator.GetBytes(32), "random, this process only");
    }

    public bool IsPerProcess => Source.StartsWith("random", StringComparison.Ordinal);

    /// <summary>Lowercase hex HMAC-SHA256 of the client address's key (an IPv4 address or an IPv6 /64).</summary>
    public string Hash(string address) => Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(address)));

    private static byte[]? TryBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
