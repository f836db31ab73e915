using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using KpuOrleans.Hosting.Operations;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;

namespace KpuOrleans.Gateway.Tests;

/// <summary>What operators and Kubernetes use: the health probes and the Orleans dashboard (metrics: <see cref="MetricsTests"/>).</summary>
public class OperationsTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string path)
    {
        using var management = host.CreateManagementClient();
        var response = await management.GetAsync(path);
        return (response, await GatewayHost.ReadBodyAsync(response));
    }

    [Fact]
    public async Task Liveness_is_200_healthy_and_runs_no_check()
    {
        var (response, body) = await GetAsync(OperationsExtensions.LivePath);
        using var _ = response;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task Readiness_is_200_and_lists_the_embedded_silo_as_an_active_member()
    {
        var silo = host.Services.GetRequiredService<ILocalSiloDetails>();
        var (response, body) = await GetAsync(OperationsExtensions.ReadyPath);
        using var _ = response;

        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var check = body.GetProperty("checks").GetProperty("silo");
        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.Equal($"{silo.Name} is an active member of the cluster", check.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, check.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task The_dashboard_redirects_to_its_page_and_its_api_lists_the_silo()
    {
        using var client = host.CreateManagementClient(allowAutoRedirect: false);
        using (var redirect = await client.GetAsync("/ops/dashboard"))
        {
            Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
            Assert.Equal("/ops/dashboard/", redirect.Headers.Location?.OriginalString);
        }
        using (var page = await client.GetAsync("/ops/dashboard/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<title>Orleans Dashboard</title>", await page.Content.ReadAsStringAsync());
        }

        // The counters the page polls: the cluster's silos (from membership) and grain statistics. The dashboard
        // collects them in the background, so a just-started host answers with no hosts at first.
        var silo = host.Services.GetRequiredService<ILocalSiloDetails>();
        JsonElement listed = default;
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync("/ops/dashboard/DashboardCounters");
            Assert.True(response.IsSuccessStatusCode, $"GET /ops/dashboard/DashboardCounters: {(int)response.StatusCode}");
            var counters = await GatewayHost.ReadBodyAsync(response);
            listed = counters.GetProperty("hosts").EnumerateArray()
                .FirstOrDefault(h => h.GetProperty("siloAddress").GetString() == silo.SiloAddress.ToParsableString());
            return (listed.ValueKind == JsonValueKind.Object, counters.GetProperty("hosts").ToString());
        }, TimeSpan.FromSeconds(10), $"the dashboard lists silo {silo.SiloAddress.ToParsableString()}");
        Assert.Equal("Active", listed.GetProperty("status").GetString());
        Assert.Equal(silo.Name, listed.GetProperty("siloName").GetString());
    }
}

/// <summary>A failing readiness check makes <c>/health/ready</c> 503 and says why; liveness does not depend on it.</summary>
public class ReadinessFailureTests(ReadinessFailureTests.Host host) : IClassFixture<ReadinessFailureTests.Host>
{
    public sealed class Host : GatewayHost
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddHealthChecks().AddCheck("test-dependency",
                () => HealthCheckResult.Unhealthy("test: the dependency is down", new InvalidOperationException("test: connection refused")),
                tags: [OperationsExtensions.ReadyTag]));
        }
    }

    [Fact]
    public async Task An_unhealthy_ready_check_is_503_naming_the_check_its_description_and_error()
    {
        using var management = host.CreateManagementClient();
        using var response = await management.GetAsync(OperationsExtensions.ReadyPath);
        var body = await GatewayHost.ReadBodyAsync(response);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var failed = body.GetProperty("checks").GetProperty("test-dependency");
        Assert.Equal("Unhealthy", failed.GetProperty("status").GetString());
        Assert.Equal("test: the dependency is down", failed.GetProperty("description").GetString());
        Assert.Equal("test: connection refused", failed.GetProperty("error").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("silo").GetProperty("status").GetString());

        using var live = await host.CreateClient().GetAsync(OperationsExtensions.LivePath);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        // The public port gives the same verdict and none of the reasons.
        using var outside = await host.CreateClient().GetAsync(OperationsExtensions.ReadyPath);
        var summary = await GatewayHost.ReadBodyAsync(outside);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, outside.StatusCode);
        Assert.Equal("Unhealthy", summary.GetProperty("status").GetString());
        Assert.Empty(summary.GetProperty("checks").EnumerateObject());
        Assert.DoesNotContain("connection refused", summary.ToString());
    }
}

/// <summary>The readiness checks as units, against a PostgreSQL that is not there.</summary>
/// <summary><c>Dashboard:Enabled=false</c>: no dashboard page and no collectors, the rest of the gateway as before.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class DashboardOffTests(DashboardOffTests.Host host) : IClassFixture<DashboardOffTests.Host>
{
    public sealed class Host : GatewayHost
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Dashboard:Enabled", "false");
        }
    }

    [Fact]
    public async Task The_dashboard_is_gone_and_the_gateway_still_serves()
    {
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var management = host.CreateManagementClient(allowAutoRedirect: false);
        using var dashboard = await management.GetAsync("/ops/dashboard/");
        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
        Assert.DoesNotContain(host.Services.GetServices<IIncomingGrainCallFilter>(), f => f.GetType().Namespace?.StartsWith("Orleans.Dashboard", StringComparison.Ordinal) == true);
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("PGUB-35", (await host.GetJsonAsync("/api/v1/tally/PGUB-35/35")).GetProperty("contest").GetString());
    }
}

public class HealthCheckTests
{
    private static NpgsqlDataSource DataSource(int port) =>
        NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=kpu;Password=kpu;Database=kpu;Timeout=2;Pooling=false");

    // A guard against a check that hangs (a probe would then time out instead of saying why), not a speed target.
    private static Task<HealthCheckResult> CheckAsync(NpgsqlDataSource database) =>
        new PostgresCheck(database).CheckHealthAsync(new HealthCheckContext()).WaitAsync(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task PostgresCheck_is_unhealthy_when_nothing_listens()
    {
        await using var database = DataSource(FreePorts.Next());

        var result = await CheckAsync(database);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("PostgreSQL does not answer", result.Description);
        Assert.IsType<NpgsqlException>(result.Exception, exactMatch: false);
    }

    [Fact]
    public async Task PostgresCheck_is_unhealthy_when_the_server_never_answers()
    {
        // Accepts connections (the kernel completes the handshake) but never says a word, like a hung server.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            await using var database = DataSource(((IPEndPoint)silent.LocalEndpoint).Port);

            var result = await CheckAsync(database);

            Assert.Equal(HealthStatus.Unhealthy, result.Status);
            Assert.Equal("PostgreSQL does not answer", result.Description);
            Assert.NotNull(result.Exception);
        }
        finally
        {
            silent.Stop();
        }
    }
}
