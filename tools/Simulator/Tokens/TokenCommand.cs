using System.Globalization;

namespace KpuOrleans.Simulator.Tokens;

/// <summary>
/// <c>simulator token --region 35.78.01 --role ppk --expires 12h [--subject ID] [--key BASE64] [--issuer ISS]</c>: prints
/// one writer's token, signed with <c>--key</c> or else the <c>Auth__SigningKey</c> the gateways use, for <c>--issuer</c>
/// or else their <c>Auth__Issuer</c>. A lifetime the gateways would refuse (<c>Auth__MaxTokenLifetime</c>) is refused here.
/// </summary>
public static class TokenCommand
{
    public const string Usage =
        "usage: token --region CODE --role kpps|pps|ppk|kabkota|provinsi [--expires 12h, at most $Auth__MaxTokenLifetime or 24h] [--subject OFFICER-ID] " +
        "[--key BASE64 (default: $Auth__SigningKey)] [--issuer ISS (default: $Auth__Issuer or kpu-orleans)]";

    public static int Run(string[] args, TextWriter output, string? keyFromEnvironment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) return Fail(output, $"'{args[i]}' needs a value");
            values[args[i][2..]] = args[i + 1];
        }
        var unknown = values.Keys.Except(["region", "role", "expires", "subject", "key", "issuer"]).ToList();
        if (unknown.Count > 0) return Fail(output, $"unknown option --{unknown[0]}");
        if (!values.TryGetValue("region", out var region)) return Fail(output, "--region is required (e.g. 35.78.01 for a PPK)");
        if (!values.TryGetValue("role", out var role) || !OfficerToken.Roles.Contains(role))
            return Fail(output, $"--role must be one of {string.Join(", ", OfficerToken.Roles)}");
        if (ParseLifetime(values.GetValueOrDefault("expires", "12h")) is not { } lifetime)
            return Fail(output, "--expires must be a number with s, m, h or d (e.g. 12h)");
        if (MaxLifetime() is not { } max) return Fail(output, "Auth__MaxTokenLifetime must be a positive time span such as 12:00:00");
        if (lifetime > max)
            return Fail(output, $"--expires {values["expires"]} is longer than the gateways accept (Auth__MaxTokenLifetime, {max}); ask for at most that");
        var issuer = values.GetValueOrDefault("issuer") ?? OfficerToken.IssuerFromEnvironment();
        if (string.IsNullOrWhiteSpace(issuer)) return Fail(output, "--issuer must not be empty");
        var encoded = values.GetValueOrDefault("key") ?? keyFromEnvironment;
        if (string.IsNullOrEmpty(encoded)) return Fail(output, "no signing key: pass --key BASE64 or set Auth__SigningKey");
        byte[] key;
        try
        {
            key = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            return Fail(output, "the signing key must be base64");
        }
        if (key.Length < 32) return Fail(output, $"the signing key is {key.Length * 8} bits; HS256 needs at least 256");
        output.WriteLine(OfficerToken.Mint(key, values.GetValueOrDefault("subject") ?? $"{role}-{region}", region, role, lifetime, issuer: issuer));
        return 0;
    }

    /// <summary>What the gateways of this environment accept: their <c>Auth__MaxTokenLifetime</c>, else the default.</summary>
    private static TimeSpan? MaxLifetime() => Environment.GetEnvironmentVariable("Auth__MaxTokenLifetime") switch
    {
        null or "" => OfficerToken.DefaultMaxLifetime,
        var text => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var max) && max > TimeSpan.Zero ? max : null,
    };

    private static TimeSpan? ParseLifetime(string text)
    {
        if (text.Length < 2 || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0) return null;
        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => null,
        };
    }

    private static int Fail(TextWriter output, string error)
    {
        output.WriteLine($"error: {error}");
        output.WriteLine(Usage);
        return 2;
    }
}
