using System.Text.Json;
using KpuOrleans.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KpuOrleans.Hosting.Operations;

/// <summary>What operators and Kubernetes see of every process: health probes, Prometheus metrics, structured logs.</summary>
public static class OperationsExtensions
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string MetricsPath = "/metrics";

    /// <summary>Health checks with this tag decide readiness; liveness runs none (a process that answers is alive).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Longer than Orleans' own deactivation timeout (30 s), so a SIGTERM'd silo hands its grains over before the host
    /// gives up on it; Kubernetes' grace period (k8s/, 60 s) is longer again.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(45);

    /// <summary>The meters exported besides our own: Orleans', ASP.NET Core's (requests, Kestrel, SignalR connections), Npgsql's, the runtime's.</summary>
    private static readonly string[] Meters =
    [
        KpuMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting", "Npgsql", "System.Runtime",
    ];

    public static IHostApplicationBuilder AddKpuOperations(this IHostApplicationBuilder builder, string serviceName)
    {
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName,
                serviceInstanceId: builder.Configuration["POD_NAME"] ?? Environment.MachineName))
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter());

        // In a container logs are collected, not read: one JSON object per line, unless the operator chose a format.
        if (builder.Configuration["DOTNET_RUNNING_IN_CONTAINER"] == "true" && builder.Configuration["Logging:Console:FormatterName"] is null)
            builder.Services.Configure<ConsoleLoggerOptions>(options => options.FormatterName = ConsoleFormatterNames.Json);
        return builder;
    }

    public static IEndpointRouteBuilder MapKpuOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .WithMetadata(ManagementAlso.Instance);
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .WithMetadata(ManagementAlso.Instance);
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).WithMetadata(ManagementOnly.Instance);
        return endpoints;
    }

    /// <summary>
    /// On the management port each check's verdict and reason, so that an operator reading a failed probe knows what to
    /// fix; on the public port the verdict alone, since reasons name hosts, silos and errors an outsider has no use for.
    /// </summary>
    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var detailed = http.RequestServices.GetService<ManagementListener>()?.Serves(http) == true;
        return JsonSerializer.SerializeAsync(http.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = detailed
                ? report.Entries.ToDictionary(e => e.Key, e => (object)new
                {
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description,
                    error = e.Value.Exception?.Message,
                })
                : new Dictionary<string, object>(),
        }, cancellationToken: http.RequestAborted);
    }
}

/// <summary>Where a process listens for HTTP when the operator said nothing.</summary>
public static class DefaultUrls
{
    /// <summary>A silo's probes and metrics.</summary>
    public const string Silo = "http://localhost:8081";

    /// <summary>
    /// Listens on <paramref name="url"/> unless <c>urls</c> or the ports keys (ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS,
    /// which the .NET container images set to 8080) say otherwise.
    /// </summary>
    public static WebApplicationBuilder ListenByDefault(this WebApplicationBuilder builder, string url)
    {
        var configured = (string[])["urls", "http_ports", "https_ports"];
        if (configured.All(key => string.IsNullOrEmpty(builder.Configuration[key]))) builder.WebHost.UseUrls(url);
        return builder;
    }
}
