using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;

namespace KpuOrleans.Integration.Tests.Hostile;

/// <summary>
/// Token attacks: acceptable bodies under bad, forged or out-of-scope tokens, and corrections from an officer who may
/// not send them or at a version that is not the next.
/// </summary>
public sealed partial class HostileRequests
{
    private HostileRequest Token(int index, Random random, ResultForm form)
    {
        // Mostly an acceptable body (a retry or a conflict), so a token let through would show, not hide behind a 422.
        var body = random.Next(4) switch { 0 => Mutated(random, form), 1 => Json(Shifted(form)), _ => Json(form) };
        var (kind, authorization) = Pick(random, HostileTokens(form));
        return new(index, "token", kind, HttpMethod.Post, Results, Utf8(body), authorization);
    }

    private (string Kind, string? Authorization)[] HostileTokens(ResultForm form)
    {
        var tps = form.Tps;
        var village = tps[..tps.LastIndexOf('.')];
        var valid = Kpps(form);
        var otherTps = registry.TpsUnder("35.78").First().Code;
        var forged = valid.Split('.');
        forged[1] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            $"{{\"sub\":\"x\",\"region\":\"35\",\"role\":\"provinsi\",\"aud\":\"{OfficerToken.Audience}\",\"iss\":\"{OfficerToken.DefaultIssuer}\",\"exp\":{Now + 600}}}"));
        return
        [
            ("none", null),
            ("expired", Bearer(Jwt(tps, "kpps", c => c["exp"] = Now - 3_600))),
            ("wrong-key", Bearer(Jwt(tps, "kpps", key: Encoding.UTF8.GetBytes("not the cluster's key, 32 bytes!")))),
            ("wrong-audience", Bearer(Jwt(tps, "kpps", c => c["aud"] = "kpu-elsewhere"))),
            ("no-audience", Bearer(Jwt(tps, "kpps", c => c.Remove("aud")))),
            ("wrong-issuer", Bearer(Jwt(tps, "kpps", c => c["iss"] = "kpu-elsewhere"))),
            ("no-issuer", Bearer(Jwt(tps, "kpps", c => c.Remove("iss")))),
            ("too-long-lived", Bearer(Jwt(tps, "kpps", c => c["exp"] = Now + 7 * 24 * 3_600))),
            ("alg-none", Bearer(Jwt(tps, "kpps", alg: "none"))),
            ("hs512", Bearer(Jwt(tps, "kpps", alg: "HS512"))),
            ("no-exp", Bearer(Jwt(tps, "kpps", c => c.Remove("exp")))),
            ("not-yet-valid", Bearer(Jwt(tps, "kpps", c => c["nbf"] = Now + 3_600))),
            ("forged-payload", Bearer(string.Join('.', forged))),
            ("garbage", "Bearer"), ("garbage", "Bearer "), ("garbage", "Basic dXNlcjpwYXNz"), ("garbage", "Bearer a.b.c"),
            ("garbage", "Bearer " + new string('A', 6_000)), ("garbage", $"Token {valid[7..]}"), ("garbage", $"Bearer {valid[7..]} {valid[7..]}"),
            ("garbage", "Bearer ẞ.ẞ.ẞ"), ("garbage", "Bearer ...."), ("garbage", "Bearer " + valid[7..^5]),
            ("no-sub", Bearer(Jwt(tps, "kpps", c => c.Remove("sub")))),
            ("no-region", Bearer(Jwt(tps, "kpps", c => c.Remove("region")))),
            ("no-role", Bearer(Jwt(tps, "kpps", c => c.Remove("role")))),
            ("unknown-role", Bearer(Jwt(tps, "admin"))), ("unknown-role", Bearer(Jwt(tps, "KPPS"))),
            ("empty-claims", Bearer(Jwt("", "kpps", c => c["sub"] = " "))),
            // sub becomes submitted_by: a NUL there is what PostgreSQL cannot store, the others what a reader cannot trust.
            ("control-sub", Bearer(Jwt(tps, "kpps", c => c["sub"] = "fuzz\0kpps"))), ("control-sub", Bearer(Jwt(tps, "kpps", c => c["sub"] = "fuzz\u001b[2J"))),
            ("control-sub", Bearer(Jwt(village, "pps", c => c["sub"] = "\u0085fuzz"))),
            ("role-array", Bearer(Jwt(tps, "kpps", c => c["role"] = new JsonArray("kpps", "provinsi")))),
            ("scope:other-tps", Bearer(Jwt(otherTps, "kpps"))),
            ("scope:other-village", Bearer(Jwt(otherTps[..otherTps.LastIndexOf('.')], "pps"))),
            ("scope:role-level", Bearer(Jwt(village, "kpps"))), ("scope:role-level", Bearer(Jwt(tps, "pps"))),
            ("scope:role-level", Bearer(Jwt("35.79", "provinsi"))),
            ("scope:unknown-region", Bearer(Jwt("99.99.99.9999.999", "kpps"))),
            ("scope:sql-region", Bearer(Jwt("35.79'; DROP TABLE kpu_ledger;--", "kabkota"))),
            ("scope:prefix-trick", Bearer(Jwt(tps[..^1], "kpps"))),
            ("wide", Bearer(Jwt(village, "pps"))), ("wide", Bearer(Jwt("35.79", "kabkota"))), ("wide", Bearer(Jwt("35", "provinsi"))),
            ("lowercase-scheme", "bearer " + valid[7..]),
        ];
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>A JWT made by hand, so that every part of it can be wrong.</summary>
    private string Jwt(string region, string role, Action<JsonObject>? change = null, string alg = "HS256", byte[]? key = null)
    {
        var claims = new JsonObject
        {
            ["sub"] = $"fuzz-{role}", ["region"] = region, ["role"] = role, ["aud"] = OfficerToken.Audience, ["iss"] = OfficerToken.DefaultIssuer,
            ["iat"] = Now, ["nbf"] = Now - 60, ["exp"] = Now + 3_600,
        };
        change?.Invoke(claims);
        var input = $"{Base64Url.EncodeToString(Utf8(new JsonObject { ["alg"] = alg, ["typ"] = "JWT" }.ToJsonString()))}.{Base64Url.EncodeToString(Utf8(claims.ToJsonString()))}";
        var signature = alg switch
        {
            "HS256" => HMACSHA256.HashData(key ?? signingKey, Utf8(input)),
            "HS512" => HMACSHA512.HashData(key ?? signingKey, Utf8(input)),
            _ => [],
        };
        return $"{input}.{Base64Url.EncodeToString(signature)}";
    }

    private HostileRequest Correction(int index, Random random, ResultForm form)
    {
        var current = _current[(form.Tps, form.Contest)];
        var latest = accepted.First(f => f.Tps == form.Tps && f.Contest == form.Contest && f.Version == current);
        var next = SampleForms.Correction(latest, registry.Get(form.Tps), registry.FindContest(form.Contest)!, random);
        var (kind, body, token) = random.Next(5) switch
        {
            0 or 1 => ("kpps-correction", next, Kpps(form)), // 403: a KPPS sends version 1 only
            2 => ("version-jump", next with { Version = current + random.Next(2, 8) }, Village(form)), // 409
            3 => ("same-version-other-content", next with { Version = current }, Village(form)), // 409
            _ => ("kpps-resend", form, Kpps(form)), // 200 for version 1, 403 for a correction
        };
        return new(index, "correction", kind, HttpMethod.Post, Results, Utf8(Json(body)), token);
    }
}
