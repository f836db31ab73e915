using System.CommandLine;
using System.Globalization;
using KpuOrleans.Simulator.Options;

namespace KpuOrleans.Simulator.Tokens;

/// <summary>
/// <c>simulator token --region 35.78.01 --role ppk --expires 12h [--subject ID] [--key BASE64] [--issuer ISS]</c>: prints
/// one writer's token, signed with <c>--key</c> or else the <c>Auth__SigningKey</c> the gateways use, for <c>--issuer</c>
/// or else their <c>Auth__Issuer</c>. A lifetime the gateways would refuse (<c>Auth__MaxTokenLifetime</c>) is refused here.
/// The options are defined in <see cref="TokenOptions"/>.
/// </summary>
public static class TokenCommand
{
    /// <summary>The command line after <c>token</c>, with the key the environment holds.</summary>
    public static int Run(string[] args, TextWriter output, string? keyFromEnvironment)
    {
        // Minting is synchronous: the task is complete when it is returned.
        return new SimulatorCommandLine(keyFromEnvironment).InvokeAsync(["token", .. args], output, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>A parse System.CommandLine found no fault with; what is left are the rules across options and the environment.</summary>
    internal static int Run(ParseResult parsed, TokenOptions options, TextWriter output, string? keyFromEnvironment)
    {
        if (parsed.GetValue(options.Region) is not { } region) return Fail(output, "--region is required (e.g. 35.78.01 for a PPK)");
        if (parsed.GetValue(options.Role) is not { } role) return Fail(output, $"--role must be one of {string.Join(", ", OfficerToken.Roles)}");
        var lifetime = parsed.GetValue(options.Expires)!;
        if (MaxLifetime() is not { } max) return Fail(output, "Auth__MaxTokenLifetime must be a positive time span such as 12:00:00");
        if (lifetime.Value > max)
            return Fail(output, $"--expires {lifetime.Text} is longer than the gateways accept (Auth__MaxTokenLifetime, {max}); ask for at most that");
        var issuer = parsed.GetValue(options.Issuer) ?? OfficerToken.IssuerFromEnvironment();
        if (string.IsNullOrWhiteSpace(issuer)) return Fail(output, "--issuer must not be empty");
        var encoded = parsed.GetValue(options.Key) ?? keyFromEnvironment;
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
        output.WriteLine(OfficerToken.Mint(key, parsed.GetValue(options.Subject) ?? $"{role}-{region}", region, role, lifetime.Value, issuer: issuer));
        return 0;
    }

    /// <summary>What the gateways of this environment accept: their <c>Auth__MaxTokenLifetime</c>, else the default.</summary>
    private static TimeSpan? MaxLifetime() => Environment.GetEnvironmentVariable("Auth__MaxTokenLifetime") switch
    {
        null or "" => OfficerToken.DefaultMaxLifetime,
        var text => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var max) && max > TimeSpan.Zero ? max : null,
    };

    private static int Fail(TextWriter output, string error)
    {
        output.WriteLine($"error: {error}");
        output.WriteLine("Run with token --help for its options.");
        return 2;
    }
}
