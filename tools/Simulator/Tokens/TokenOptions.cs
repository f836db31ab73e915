using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace KpuOrleans.Simulator.Tokens;

/// <summary>The <c>token</c> command's options, defined once: System.CommandLine parses, checks and documents them from here.</summary>
internal sealed class TokenOptions
{
    public Option<string?> Region { get; } = new("--region")
    {
        HelpName = "CODE",
        Description = "Required: the office's region, e.g. 35.78.01 for a PPK (a TPS for kpps, a village for pps, a district " +
                      "for ppk, a regency for kabkota, a province such as 35 for provinsi, 0 for kpuri on the national registry).",
    };

    public Option<string?> Role { get; } = new("--role")
    {
        HelpName = string.Join("|", OfficerToken.Roles),
        Description = "Required: the officer's role.",
        CustomParser = result => ParseRole(result),
    };

    public Option<Lifetime> Expires { get; } = new("--expires")
    {
        HelpName = "DURATION",
        Description = "How long the token is valid: a number with s, m, h or d; at most what the gateways accept " +
                      "($Auth__MaxTokenLifetime, else 24h).",
        DefaultValueFactory = _ => new Lifetime("12h", TimeSpan.FromHours(12)),
        CustomParser = result => ParseLifetime(result),
    };

    public Option<string?> Subject { get; } = new("--subject")
    {
        HelpName = "OFFICER-ID",
        Description = "The officer, the token's sub. Default: ROLE-REGION.",
    };

    public Option<string?> Key { get; } = new("--key")
    {
        HelpName = "BASE64",
        Description = "The HS256 signing key, at least 256 bits. Default: $Auth__SigningKey, as the gateways read it.",
    };

    public Option<string?> Issuer { get; } = new("--issuer")
    {
        HelpName = "ISS",
        Description = "The token's issuer. Default: $Auth__Issuer, else kpu-orleans.",
    };

    public Command Command { get; } = new("token",
        "Print a writer's token (API.md, \"Authentication\") signed with the gateways' key, for at most what they accept.");

    public TokenOptions()
    {
        foreach (var option in new Option[] { Region, Role, Expires, Subject, Key, Issuer }) Command.Options.Add(option);
    }

    private static string? ParseRole(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (OfficerToken.Roles.Contains(value)) return value;
        result.AddError($"--role must be one of {string.Join(", ", OfficerToken.Roles)}");
        return null;
    }

    private static Lifetime ParseLifetime(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        if (Lifetime.TryParse(text) is { } lifetime) return lifetime;
        result.AddError("--expires must be a number with s, m, h or d (e.g. 12h)");
        return new Lifetime(text, TimeSpan.Zero);
    }
}

/// <summary>A token's lifetime as typed (<c>12h</c>), which is how help shows the default and errors quote it.</summary>
internal sealed record Lifetime(string Text, TimeSpan Value)
{
    public static Lifetime? TryParse(string text)
    {
        if (text.Length < 2 || !double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0) return null;
        TimeSpan? value = text[^1] switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => null,
        };
        return value is { } lifetime ? new Lifetime(text, lifetime) : null;
    }

    public override string ToString() => Text;
}
