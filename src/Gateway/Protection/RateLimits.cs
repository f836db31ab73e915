using KpuOrleans.Hosting;
using System.Globalization;
using System.Threading.RateLimiting;
using KpuOrleans.Gateway.Api;
using KpuOrleans.Telemetry;
using Microsoft.AspNetCore.RateLimiting;

namespace KpuOrleans.Gateway.Protection;

/// <summary>
/// ASP.NET Core's rate limiter with three policies: <see cref="Writers"/> (per token), <see cref="Readers"/> (per client
/// address) and <see cref="Viewers"/> (open hub connections per address). Over a limit is a 429 problem with
/// <c>Retry-After</c>, decided before anything reaches a grain.
/// </summary>
public static class RateLimits
{
    public const string Writers = "writers";
    public const string Readers = "readers";
    public const string Viewers = "viewers";

    /// <summary>Seconds to wait when the limiter cannot say (an open-connection cap frees up when someone leaves).</summary>
    private const int DefaultRetryAfterSeconds = 1;

    public static WebApplicationBuilder AddKpuRateLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        if (options.Problems().ToList() is [_, ..] problems) throw new InvalidOperationException(string.Join(" ", problems));
        var enabled = options.Enabled ?? builder.KpuDeployment().IsClustered;
        builder.Services.AddHostedService(services => new Announcement(enabled, options, services.GetRequiredService<ILogger<RateLimitOptions>>()));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = RejectAsync;
            // Writers are counted in one fixed table of buckets, outside the partitioned limiter, which would keep an
            // object (and a replenishing timer) per writer; it sees every request, so it picks out writes by their policy.
            if (enabled)
                limiter.GlobalLimiter = new WriterBuckets(options.WriterRequestsPerSecond, options.WriterBurst, WriterBuckets.DefaultSize,
                    TimeProvider.System, http => IsWrite(http) ? WriterOf(http) : null);
            limiter.AddPolicy(Writers, http => !enabled ? RateLimitPartition.GetNoLimiter("off")
                : WriterOf(http) is not null ? RateLimitPartition.GetNoLimiter("writers")
                : Bucket(AddressOf(http), options.ReaderRequestsPerSecond, options.ReaderBurst));
            limiter.AddPolicy(Readers, http => !enabled ? RateLimitPartition.GetNoLimiter("off")
                : Bucket(AddressOf(http), options.ReaderRequestsPerSecond, options.ReaderBurst));
            limiter.AddPolicy(Viewers, http => !enabled ? RateLimitPartition.GetNoLimiter("off")
                : RateLimitPartition.GetConcurrencyLimiter(AddressOf(http), _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = options.HubConnectionsPerAddress,
                    QueueLimit = 0,
                }));
        });
        return builder;
    }

    /// <summary>A write endpoint: limited per writer, and closed to other origins (see <see cref="CrossOrigin"/>).</summary>
    public static RouteHandlerBuilder AsWrite(this RouteHandlerBuilder endpoint) =>
        endpoint.RequireRateLimiting(Writers).WithMetadata(new Microsoft.AspNetCore.Cors.DisableCorsAttribute());

    /// <summary>After authentication (writers are known by their token), before authorization (so bad tokens are limited too).</summary>
    public static IApplicationBuilder UseKpuRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>The writer a valid token names; null when the request carries none (it is then limited by address).</summary>
    private static string? WriterOf(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true && http.User.FindFirst("sub")?.Value is { Length: > 0 } subject ? subject : null;

    private static bool IsWrite(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Writers;

    private static string AddressOf(HttpContext http) => "address:" + ClientAddress.KeyOf(http.Connection.RemoteIpAddress);

    private static RateLimitPartition<string> Bucket(string key, int perSecond, int burst) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : DefaultRetryAfterSeconds;
        var policy = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var who = policy == Writers && WriterOf(http) is { } writer ? $"writer '{writer}'" : "this client address";
        var detail = policy == Viewers
            ? $"Too many open live connections from {who}; close one or retry after {seconds} s."
            : $"Too many requests from {who}; retry after {seconds} s.";
        if (policy == Writers) KpuMetrics.FormsRejected.Add(1, new KeyValuePair<string, object?>("rule", "rate-limited"));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.Result(Problems.Create(429, "Too many requests", detail)).ExecuteAsync(http);
    }

    private sealed class Announcement(bool enabled, RateLimitOptions options, ILogger logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (enabled)
                logger.LogInformation(
                    "Rate limits on: {WriterRate}/s (bursts of {WriterBurst}) per writer, {ReaderRate}/s (bursts of {ReaderBurst}) and " +
                    "{HubConnections} live connections per client address",
                    options.WriterRequestsPerSecond, options.WriterBurst, options.ReaderRequestsPerSecond, options.ReaderBurst,
                    options.HubConnectionsPerAddress);
            else
                logger.LogWarning("Rate limits are off (RateLimits:Enabled): fine for the embedded mode and rehearsals; a real cluster keeps them on.");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
