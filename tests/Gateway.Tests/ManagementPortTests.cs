using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Operator surfaces live on the management port only, told apart by the port a connection was accepted on: on the
/// test server, whose requests carry the local port they claim (<see cref="GatewayHost.CreateManagementClient"/>).
/// </summary>
public class ManagementPortTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    public static readonly TheoryData<string> OperatorPaths =
    [
        "/metrics", "/Metrics", "/METRICS", "/metrics/", "/ops/dashboard", "/ops/dashboard/", "/OPS/dashboard",
        "/Ops/Dashboard/", "/ops/dashboard/DashboardCounters", "/ops/DASHBOARD/DashboardCounters",
    ];

    [Theory]
    [MemberData(nameof(OperatorPaths))]
    public async Task The_public_port_answers_404_for_operator_paths_in_any_letter_case(string path)
    {
        using var client = host.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("Orleans", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/Metrics")]
    [InlineData("/ops/dashboard/")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task The_management_port_serves_operator_paths(string path)
    {
        using var management = host.CreateManagementClient();
        using var response = await management.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/contests")]
    [InlineData("/api/v1/tally/PGUB-35/35")]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/hubs/tally/negotiate?negotiateVersion=1")]
    public async Task The_management_port_serves_nothing_of_the_public_api(string path)
    {
        using var management = host.CreateManagementClient();
        using var response = await management.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // The same path is served publicly (the hub's negotiation is a POST).
        using var client = host.CreateClient();
        using var outside = path.StartsWith("/hubs", StringComparison.Ordinal) ? await client.PostAsync(path, null) : await client.GetAsync(path);
        Assert.True(outside.IsSuccessStatusCode, $"{path} on the public port: {(int)outside.StatusCode}");
    }

    [Fact]
    public async Task Public_readiness_gives_the_verdict_without_the_checks()
    {
        using var client = host.CreateClient();
        var body = await GatewayHost.ReadBodyAsync(await client.GetAsync("/health/ready"));
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(body.GetProperty("checks").EnumerateObject());

        using var management = host.CreateManagementClient();
        var detailed = await GatewayHost.ReadBodyAsync(await management.GetAsync("/health/ready"));
        Assert.Equal("Healthy", detailed.GetProperty("checks").GetProperty("silo").GetProperty("status").GetString());
    }
}

/// <summary>
/// The same on a real gateway process with its default management URL: Kestrel's own listeners, raw requests that no
/// HTTP client would normalise, and the default bound to loopback only.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class ManagementListenerTests(ManagementListenerTests.DefaultGateway gateway) : IClassFixture<ManagementListenerTests.DefaultGateway>
{
    public sealed class DefaultGateway : IAsyncLifetime
    {
        public EmbeddedGateway Gateway { get; private set; } = null!;

        public async Task InitializeAsync() =>
            Gateway = await EmbeddedGateway.StartAsync("management-default", environment: new Dictionary<string, string?> { ["Management__Urls"] = null });

        public Task DisposeAsync() => Gateway.DisposeAsync().AsTask();
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/METRICS")]
    [InlineData("/%6Detrics")]
    [InlineData("/%4D%45TRICS")]
    [InlineData("/metrics/")]
    [InlineData("//metrics")]
    [InlineData("/./metrics")]
    [InlineData("/api/../metrics")]
    [InlineData("/Ops/Dashboard/")]
    [InlineData("/%6Fps/dashboard/")]
    [InlineData("//ops//dashboard/")]
    [InlineData("/ops/dashboard/DashboardCounters")]
    public async Task The_public_listener_answers_404_however_the_path_is_spelled(string path)
    {
        var (status, body) = await RawGetAsync(gateway.Gateway.Address, path);
        Assert.True(status == 404, $"GET {path} on the public port: {status}\n{body}");
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/%6Detrics")]
    [InlineData("/ops/dashboard/")]
    public async Task The_management_listener_serves_them(string path)
    {
        var (status, body) = await RawGetAsync(new Uri(EmbeddedGateway.DefaultManagementAddress), path);
        Assert.True(status == 200, $"GET {path} on the management port: {status}\n{body}");
    }

    [Theory]
    [InlineData("/api/v1/contests")]
    [InlineData("/")]
    public async Task The_management_listener_serves_no_api(string path)
    {
        var (status, _) = await RawGetAsync(new Uri(EmbeddedGateway.DefaultManagementAddress), path);
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task A_spoofed_host_header_does_not_open_the_operator_pages()
    {
        var management = new Uri(EmbeddedGateway.DefaultManagementAddress);
        var (status, _) = await RawGetAsync(gateway.Gateway.Address, "/metrics", host: $"127.0.0.1:{management.Port}");
        Assert.Equal(404, status);
    }

    /// <summary>Every socket listening on the default management port is on a loopback address (Linux: /proc/net/tcp*).</summary>
    [Fact]
    public void The_default_management_port_listens_on_loopback_only()
    {
        var port = new Uri(EmbeddedGateway.DefaultManagementAddress).Port;
        var listeners = Listeners("/proc/net/tcp", port).Concat(Listeners("/proc/net/tcp6", port)).ToList();
        Assert.NotEmpty(listeners);
        Assert.All(listeners, address => Assert.True(IPAddress.IsLoopback(address), $"listening on {address}:{port}"));
    }

    private static IEnumerable<IPAddress> Listeners(string table, int port)
    {
        if (!File.Exists(table)) yield break;
        foreach (var line in File.ReadLines(table).Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != "0A") continue; // 0A: LISTEN
            var local = fields[1].Split(':');
            if (int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port) continue;
            yield return ParseKernelAddress(local[0]);
        }
    }

    /// <summary>The kernel prints an address as 32-bit words in host (little-endian) order.</summary>
    private static IPAddress ParseKernelAddress(string hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
            for (var i = 0; i < 4; i++)
                bytes[word * 4 + i] = byte.Parse(hex.AsSpan((word * 4 + 3 - i) * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new IPAddress(bytes);
    }

    /// <summary>A request line sent exactly as written, for paths an HTTP client would clean up first.</summary>
    private static async Task<(int Status, string Text)> RawGetAsync(Uri server, string path, string? host = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        await using var stream = tcp.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {host ?? server.Authority}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var text = await reader.ReadToEndAsync(timeout.Token);
        var statusLine = text.Split("\r\n", 2)[0];
        return (int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture), text.Length > 600 ? text[..600] : text);
    }
}
