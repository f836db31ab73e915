using KpuOrleans.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace KpuOrleans.Gateway.Auth;

/// <summary>What an HS256 token must be beyond a good signature: from our issuer, short-lived, not signed with a published key.</summary>
public static class TokenRules
{
    /// <summary>
    /// The placeholder signing key of k8s/overlays/dev/secret.yaml. It is public (it is in the repository), so a
    /// gateway that verifies with it lets anyone write; only the dev overlay may allow it (Auth__AllowDevelopmentKey).
    /// </summary>
    public const string DevelopmentKey = "CHANGEMECHANGEMECHANGEMECHANGEMECHANGEMECHANGEME";

    public static bool IsDevelopmentKey(byte[] key) => key.AsSpan().SequenceEqual(Convert.FromBase64String(DevelopmentKey));

    /// <summary>Refuses HS256 settings no token could sensibly meet; returns the issuer tokens must name.</summary>
    public static string Check(WriterAuthOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Issuer))
            throw new SettingsRefusedException($"Auth__Issuer is empty: leave it out for '{WriterAuthOptions.DefaultIssuer}', or name the issuer your tokens carry in 'iss'.");
        if (options.MaxTokenLifetime <= TimeSpan.Zero)
            throw new SettingsRefusedException($"Auth__MaxTokenLifetime is {options.MaxTokenLifetime}; it must be positive (e.g. 12:00:00, or leave it out for 24 hours).");
        return options.Issuer;
    }

    /// <summary>
    /// A token may expire at most <paramref name="max"/> after now. Measured from the gateway's clock rather than from
    /// the token's own <c>iat</c>, which its minter writes: however it was dated, a leaked token is worthless after that.
    /// </summary>
    public static Task CheckLifetime(TokenValidatedContext context, TimeSpan max)
    {
        var remaining = context.SecurityToken.ValidTo - DateTime.UtcNow;
        if (remaining > max)
            context.Fail(new TooLongLivedException(
                $"The token lives too long: its 'exp' is {remaining.TotalHours:0.#} hours away, and this system accepts at most {max.TotalHours:0.#}. Ask for a shorter-lived token."));
        return Task.CompletedTask;
    }

    public sealed class TooLongLivedException(string message) : SecurityTokenInvalidLifetimeException(message);
}
