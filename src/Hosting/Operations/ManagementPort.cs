using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Hosting.Operations;

/// <summary>
/// <c>Management:Urls</c>: where a process serves its operators — metrics, the dashboard, the detailed health report.
/// Which port a request arrived on is the connection's own fact (Kestrel's listener); the Host header is the
/// client's word and never decides it. No public Service or Ingress exposes this port (k8s/).
/// </summary>
public static class ManagementPort
{
    public const string UrlsKey = "Management:Urls";

    /// <summary>A gateway's management port when the operator said nothing: loopback, so that a laptop or a
    /// misconfigured host never shows its operator pages to its network.</summary>
    public const string GatewayDefault = "http://localhost:5081";

    /// <summary>
    /// A gateway: the public API on <c>urls</c> (or the ports keys, or <paramref name="publicDefault"/>), operations on
    /// <c>Management:Urls</c> (or <see cref="GatewayDefault"/>); the two must not share a port.
    /// </summary>
    public static WebApplicationBuilder ListenWithManagementPort(this WebApplicationBuilder builder, string publicDefault)
    {
        var configuration = builder.Configuration;
        var publicUrls = ConfiguredPublicUrls(configuration) ?? [publicDefault];
        var managementUrls = Split(configuration[UrlsKey]) is { Length: > 0 } urls ? urls : [GatewayDefault];
        var managementPorts = PortsOf(managementUrls);
        var shared = PortsOf(publicUrls).Intersect(managementPorts).ToArray();
        if (shared.Length > 0)
            throw new InvalidOperationException(
                $"{UrlsKey} ({string.Join(";", managementUrls)}) shares port {string.Join(", ", shared)} with the public URLs " +
                $"({string.Join(";", publicUrls)}): operator pages would be public. Give the management port its own number.");
        builder.WebHost.UseUrls([.. publicUrls, .. managementUrls]);
        builder.Services.AddSingleton(new ManagementListener(managementPorts));
        return builder;
    }

    /// <summary>
    /// A silo serves operations only: on <c>Management:Urls</c> when set, else where <c>urls</c> or the ports keys
    /// say (as before this key existed), else on <paramref name="defaultUrl"/>. Every connection is an operator's.
    /// </summary>
    public static WebApplicationBuilder ListenForOperationsOnly(this WebApplicationBuilder builder, string defaultUrl)
    {
        if (Split(builder.Configuration[UrlsKey]) is { Length: > 0 } urls) builder.WebHost.UseUrls(urls);
        else builder.ListenByDefault(defaultUrl);
        builder.Services.AddSingleton(ManagementListener.Everything);
        return builder;
    }

    private static string[]? ConfiguredPublicUrls(IConfiguration configuration)
    {
        if (Split(configuration["urls"]) is { Length: > 0 } urls) return urls;
        var http = Split(configuration["http_ports"]).Select(port => $"http://*:{port}");
        var https = Split(configuration["https_ports"]).Select(port => $"https://*:{port}");
        string[] ports = [.. http, .. https];
        return ports.Length > 0 ? ports : null;
    }

    private static string[] Split(string? value) =>
        value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static HashSet<int> PortsOf(IEnumerable<string> urls) => [.. urls.Select(url =>
    {
        var address = BindingAddress.Parse(url);
        if (address.IsUnixPipe || address.Port == 0)
            throw new InvalidOperationException($"{UrlsKey}: '{url}' names no fixed TCP port; operations are told apart by their port.");
        return address.Port;
    })];
}

/// <summary>Says whether a request came in on the management port, by the port its connection was accepted on.</summary>
public sealed class ManagementListener(IReadOnlySet<int> ports, bool everything = false)
{
    /// <summary>A process that serves nothing but operations (a silo).</summary>
    public static readonly ManagementListener Everything = new(new HashSet<int>(), everything: true);

    public IReadOnlySet<int> Ports => ports;

    public bool Serves(HttpContext http) => everything || ports.Contains(http.Connection.LocalPort);
}

/// <summary>Endpoint metadata: served on the management port only (404 on the public one).</summary>
public sealed class ManagementOnly
{
    public static readonly ManagementOnly Instance = new();
}

/// <summary>Endpoint metadata: served on both ports (the health probes; the public one shows no detail).</summary>
public sealed class ManagementAlso
{
    public static readonly ManagementAlso Instance = new();
}
