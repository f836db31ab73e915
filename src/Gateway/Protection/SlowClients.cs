using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KpuOrleans.Gateway.Protection;

/// <summary>
/// Connections that trickle cost a gateway as much as fast ones: headers must arrive within 10 s, an idle keep-alive
/// connection closes after 60 s and a body must keep up 240 bytes/s after a 5 s grace (Kestrel's own floor, stated here
/// so it cannot silently change). Operators can tune them with Kestrel's own keys (<c>Kestrel:Limits:*</c>).
/// </summary>
public static class SlowClients
{
    public static WebApplicationBuilder AddKpuSlowClientLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var limits = kestrel.Limits;
            limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            limits.KeepAliveTimeout = TimeSpan.FromSeconds(60);
            limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
            limits.MaxRequestHeaderCount = 64;
            // A reader that stops reading holds at most this much of its response here (a live viewer: see LiveExtensions).
            limits.MaxResponseBufferSize = 32 * 1024;
            // Configuration still wins, as it would without this method.
            builder.Configuration.GetSection("Kestrel:Limits").Bind(limits);
        });
        return builder;
    }
}
