namespace KpuOrleans.Gateway.Auth;

/// <summary>
/// Configuration section <c>Auth</c>: who may write (API.md, "Authentication"). Reads and subscriptions are always
/// anonymous.
/// </summary>
public sealed class WriterAuthOptions
{
    public const string Section = "Auth";

    /// <summary>The <c>aud</c> every writer's token must carry.</summary>
    public const string Audience = "kpu-orleans";

    /// <summary>The <c>iss</c> HS256 tokens must carry unless <see cref="Issuer"/> says otherwise.</summary>
    public const string DefaultIssuer = "kpu-orleans";

    /// <summary>Unset: on with a PostgreSQL connection string (a real cluster), off in the embedded mode.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Base64 of the HS256 key that signs tokens (development, tests, rehearsals).</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect issuer whose published keys sign tokens (production single sign-on).</summary>
    public string? Authority { get; set; }

    /// <summary>The <c>iss</c> an HS256 token must carry (with an authority, its own issuer is checked instead).</summary>
    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>How far ahead of the gateway's clock an HS256 token's <c>exp</c> may be.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Validated HS256 tokens remembered until they expire (<see cref="RememberedTokens"/>); 0 validates every request
    /// in full. Tokens from an <see cref="Authority"/> are never remembered. About 4 KB each (the parsed token and its
    /// claims): the default holds the writers active at once on the night in some 80 MB at most.
    /// </summary>
    public int TokenCacheSize { get; set; } = DefaultTokenCacheSize;

    public const int DefaultTokenCacheSize = 20_000;

    public const int MaxTokenCacheSize = 1_000_000;

    /// <summary>Whether the dev overlay's published placeholder key may sign tokens; only that overlay sets it.</summary>
    public bool AllowDevelopmentKey { get; set; }
}
