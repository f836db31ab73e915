using System.Security.Claims;
using KpuOrleans.Gateway.Api;
using KpuOrleans.Hosting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace KpuOrleans.Gateway.Auth;

/// <summary>Whether writers authenticate in this process, and who a request's writer is.</summary>
public sealed class WriterAccess(bool enabled)
{
    public bool Enabled => enabled;

    /// <summary>The officer of an authenticated request; (null, null) when writers do not authenticate.</summary>
    public (Officer? Officer, string? Problem) OfficerOf(ClaimsPrincipal user) => enabled ? Officer.From(user) : (null, null);
}

public static class WriterAuthExtensions
{
    /// <summary>Seconds a token may be past its <c>exp</c> (clocks of officers' phones drift).</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static WebApplicationBuilder AddKpuWriterAuth(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(WriterAuthOptions.Section).Get<WriterAuthOptions>() ?? new WriterAuthOptions();
        // An empty value (a ConfigMap key left blank) means unset, not an issuer called "".
        if (string.IsNullOrWhiteSpace(options.Authority)) options.Authority = null;
        var durable = builder.KpuDeployment().IsClustered;
        var enabled = options.Enabled ?? durable;
        builder.Services.AddSingleton(new WriterAccess(enabled));
        builder.Services.AddHostedService(services => new Announcement(enabled, durable, options, services.GetRequiredService<ILogger<WriterAccess>>()));
        if (!enabled) return builder;

        if (options.TokenCacheSize is < 0 or > WriterAuthOptions.MaxTokenCacheSize)
            throw new SettingsRefusedException($"Auth__TokenCacheSize is {options.TokenCacheSize}; it must be from 0 (no cache) to {WriterAuthOptions.MaxTokenCacheSize:N0} (default {WriterAuthOptions.DefaultTokenCacheSize:N0}).");
        var signingKey = SigningKey(options);
        var issuer = signingKey is null ? null : TokenRules.Check(options);
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false; // keep sub, region and role as API.md names them
            if (options.Authority is { } authority) jwt.Authority = authority;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidAudience = WriterAuthOptions.Audience,
                // With an authority its published issuer is checked; with our own key, Auth:Issuer.
                ValidateIssuer = true,
                ValidIssuer = issuer,
                RequireExpirationTime = true,
                ClockSkew = ClockSkew,
                IssuerSigningKey = signingKey,
                ValidAlgorithms = signingKey is null ? null : [SecurityAlgorithms.HmacSha256],
                NameClaimType = "sub",
                RoleClaimType = Officer.RoleClaim,
            };
            // Only our own key is fixed for the life of the process; an authority's keys rotate under a remembered token.
            if (signingKey is not null && options.TokenCacheSize > 0 && jwt.TokenHandlers is [var validator])
            {
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new RememberedTokens(validator, options.TokenCacheSize, TimeProvider.System));
            }
            jwt.Events = new JwtBearerEvents
            {
                OnChallenge = ChallengeAsync,
                OnTokenValidated = signingKey is null ? _ => Task.CompletedTask : context => TokenRules.CheckLifetime(context, options.MaxTokenLifetime + ClockSkew),
            };
        });
        return builder;
    }

    /// <summary>Who the writer is; nothing is refused yet, so the rate limiter can count writers by their token.</summary>
    public static WebApplication UseKpuWriterAuthentication(this WebApplication app)
    {
        if (app.Services.GetRequiredService<WriterAccess>().Enabled) app.UseAuthentication();
        return app;
    }

    /// <summary>Refuses a write without a valid token (401), after the rate limiter so that bad tokens are limited too.</summary>
    public static WebApplication UseKpuWriterAuthorization(this WebApplication app)
    {
        if (app.Services.GetRequiredService<WriterAccess>().Enabled) app.UseAuthorization();
        return app;
    }

    /// <summary>Writers' endpoints need a valid token when writers authenticate.</summary>
    public static RouteHandlerBuilder RequireWriter(this RouteHandlerBuilder endpoint, IEndpointRouteBuilder routes) =>
        routes.ServiceProvider.GetRequiredService<WriterAccess>().Enabled ? endpoint.RequireAuthorization().ProducesProblem(401).ProducesProblem(403) : endpoint;

    private static SymmetricSecurityKey? SigningKey(WriterAuthOptions options)
    {
        if (options.SigningKey is { Length: > 0 } && options.Authority is not null)
            throw new SettingsRefusedException("Both Auth__SigningKey and Auth__Authority are set: tokens would be accepted from either, " +
                "and a key meant for a rehearsal would keep signing in production. Set one of them.");
        if (options.SigningKey is not { Length: > 0 } encoded)
        {
            return options.Authority is not null ? null : throw new SettingsRefusedException(
                "Writers authenticate (Auth:Enabled, on by default with a PostgreSQL connection string) but neither Auth:SigningKey " +
                "(base64 HS256 key) nor Auth:Authority (OpenID Connect issuer) is set. Set one, or Auth__Enabled=false for a rehearsal.");
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(encoded);
        }
        catch (FormatException)
        {
            throw new SettingsRefusedException("Auth:SigningKey must be base64 (e.g. `openssl rand -base64 32`).");
        }
        if (key.Length < 32) throw new SettingsRefusedException($"Auth:SigningKey is {key.Length * 8} bits; HS256 needs at least 256 (32 bytes, base64).");
        if (TokenRules.IsDevelopmentKey(key) && !options.AllowDevelopmentKey)
            throw new SettingsRefusedException("Auth__SigningKey is the placeholder key published in k8s/overlays/dev/secret.yaml: anyone can sign " +
                "tokens with it. Create a key of your own (`openssl rand -base64 32`); only the dev overlay may use it, by setting " +
                "Auth__AllowDevelopmentKey=true.");
        return new SymmetricSecurityKey(key);
    }

    /// <summary>A 401 as problem+json saying what was wrong with the token, as every other error of the API.</summary>
    private static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var detail = context.AuthenticateFailure switch
        {
            SecurityTokenExpiredException => "The token has expired; ask for a new one.",
            SecurityTokenInvalidAudienceException => $"The token is not for this system: its 'aud' must be '{WriterAuthOptions.Audience}'.",
            SecurityTokenInvalidIssuerException => "The token is not from this system's issuer: its 'iss' is missing or not the one this gateway accepts.",
            TokenRules.TooLongLivedException tooLong => tooLong.Message,
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature does not verify.",
            null when string.IsNullOrEmpty(context.Request.Headers.Authorization) => "Submitting a form needs a bearer token (API.md, \"Authentication\").",
            _ => "The bearer token is not valid.",
        };
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Result(Problems.Create(401, "Not authenticated", detail)).ExecuteAsync(context.HttpContext);
    }

    /// <summary>Says at start-up, loudly, whether anyone may write.</summary>
    private sealed class Announcement(bool enabled, bool durable, WriterAuthOptions options, ILogger logger) : IHostedLifecycleService
    {
        // Before any service starts (the Orleans client may wait for silos, or fail): the log says it whatever follows.
        public Task StartingAsync(CancellationToken cancellationToken)
        {
            if (!enabled && durable)
                logger.LogError("WRITERS ARE NOT AUTHENTICATED IN A DURABLE CLUSTER: anyone who reaches this gateway may submit forms that are " +
                    "stored for good, because Auth__Enabled=false is set. Only a rehearsal may run like this; remove the setting for election night.");
            else if (!enabled)
                logger.LogWarning("WRITERS ARE NOT AUTHENTICATED: anyone who reaches this gateway may submit forms (Auth:Enabled is off). " +
                    "Fine for the embedded mode and rehearsals; a real cluster keeps it on.");
            else
                logger.LogInformation("Writers authenticate with bearer tokens for audience {Audience}, signed by {Signer}",
                    WriterAuthOptions.Audience, options.Authority ?? "the configured HS256 key");
            return Task.CompletedTask;
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
