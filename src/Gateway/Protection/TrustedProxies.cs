using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace KpuOrleans.Gateway.Protection;

/// <summary>
/// Behind the Ingress every request comes from the ingress controller; the client is in <c>X-Forwarded-For</c>. That
/// header is believed only from the networks in <c>Proxy:TrustedNetworks</c> (comma-separated CIDRs, plus loopback),
/// otherwise anyone could name any address and dodge the per-address limits.
/// </summary>
public static class TrustedProxies
{
    public const string Key = "Proxy:TrustedNetworks";

    public static WebApplicationBuilder AddKpuTrustedProxies(this WebApplicationBuilder builder)
    {
        var networks = Parse(builder.Configuration[Key]);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The last proxy's entry only: what the ingress controller saw; anything earlier was written by the client.
            options.ForwardLimit = 1;
            foreach (var network in networks) options.KnownIPNetworks.Add(network);
        });
        return builder;
    }

    public static IApplicationBuilder UseKpuTrustedProxies(this IApplicationBuilder app) => app.UseForwardedHeaders();

    public static IReadOnlyList<System.Net.IPNetwork> Parse(string? value)
    {
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network)) networks.Add(network);
            else if (IPAddress.TryParse(entry, out var address)) networks.Add(new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8));
            else throw new InvalidOperationException($"{Key}: '{entry}' is not a network in CIDR form (e.g. 10.0.0.0/8) or an address.");
        }
        return networks;
    }
}
