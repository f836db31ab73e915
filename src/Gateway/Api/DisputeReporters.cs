using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Protection;
using KpuOrleans.Hosting;
using System.Threading.RateLimiting;

namespace KpuOrleans.Gateway.Api;

/// <summary>
/// Who reports a dispute, as far as this gateway may know it: the client address (after <see cref="TrustedProxies"/>),
/// limited to <see cref="DisputeOptions.PerAddressPerHour"/> reports an hour in a fixed table of buckets, and named to
/// the register only by its keyed hash.
/// </summary>
public sealed class DisputeReporters(DisputeOptions options, ReporterKey key, TimeProvider clock)
{
    /// <summary>Slots of the per-address table (16 bytes each: 1 MiB); addresses sharing one share its limit, never loosen it.</summary>
    public const int TableSize = 1 << 16;

    private readonly WriterBuckets _buckets = new(1, TimeSpan.FromHours(1.0 / options.PerAddressPerHour), options.PerAddressPerHour,
        TableSize, clock, _ => null);

    public static string AddressOf(HttpContext http) => ClientAddress.KeyOf(http.Connection.RemoteIpAddress);

    /// <returns>Null when the address may report now; otherwise the whole seconds until it may.</returns>
    public int? Refusal(HttpContext http)
    {
        using var lease = _buckets.Take(AddressOf(http));
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
    }

    public string ReporterOf(HttpContext http) => key.Hash(AddressOf(http));

    public int PerHour => options.PerAddressPerHour;
}

public static class DisputeServices
{
    public static WebApplicationBuilder AddKpuDisputes(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DisputeOptions.Section).Get<DisputeOptions>() ?? new DisputeOptions();
        options.Check();
        var auth = builder.Configuration.GetSection(WriterAuthOptions.Section).Get<WriterAuthOptions>() ?? new WriterAuthOptions();
        var key = ReporterKey.From(options, auth);
        var clustered = builder.KpuDeployment().IsClustered;
        builder.Services.AddSingleton(services => new DisputeReporters(options, key, services.GetService<TimeProvider>() ?? TimeProvider.System));
        builder.Services.AddHostedService(services => new Announcement(key, clustered, options, services.GetRequiredService<ILogger<DisputeReporters>>()));
        return builder;
    }

    private sealed class Announcement(ReporterKey key, bool clustered, DisputeOptions options, ILogger logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (clustered && key.IsPerProcess)
                logger.LogError("Disputes: no {Key} and no Auth:SigningKey to derive one from, so this gateway hashes reporters' addresses " +
                    "with a key of its own: a second report from one address is not recognised on another gateway or after a restart. " +
                    "Give every gateway the same {Key} (base64, 256 bits).", "Disputes:AddressKey", "Disputes:AddressKey");
            else
                logger.LogInformation("Disputes: {PerHour} reports an hour per client address; reporter hash key {Source}",
                    options.PerAddressPerHour, key.Source);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
