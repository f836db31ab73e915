using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KpuOrleans.Simulator.Tokens;

/// <summary>
/// A writer's bearer token of the shape API.md documents ("Authentication"): <c>sub</c>, <c>region</c>, <c>role</c>,
/// <c>aud</c> = kpu-orleans, <c>iss</c> (the gateways' <c>Auth__Issuer</c>), <c>iat</c>, <c>exp</c>, signed HS256. For development, tests and rehearsals; production tokens come
/// from the commission's single sign-on.
/// </summary>
public static class OfficerToken
{
    public const string Audience = "kpu-orleans";
    public const string DefaultIssuer = "kpu-orleans";
    /// <summary>From a TPS's committee up to KPU RI (<c>kpuri</c>, region <c>0</c> on the national registry: it reads and operates, never writes forms).</summary>
    public static readonly string[] Roles = ["kpps", "pps", "ppk", "kabkota", "provinsi", "kpuri"];

    /// <summary>The longest a gateway accepts unless its <c>Auth__MaxTokenLifetime</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultMaxLifetime = TimeSpan.FromHours(24);

    /// <summary>The issuer the gateways of this environment expect: <c>Auth__Issuer</c> as they read it, else the default.</summary>
    public static string IssuerFromEnvironment() =>
        Environment.GetEnvironmentVariable("Auth__Issuer") is { Length: > 0 } issuer ? issuer : DefaultIssuer;

    public static string Mint(byte[] key, string subject, string region, string role, TimeSpan lifetime, DateTime? now = null,
        string audience = Audience, string? issuer = DefaultIssuer)
    {
        var issuedAt = now ?? DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("region", region), new Claim("role", role)]),
            Audience = audience,
            Issuer = issuer,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
