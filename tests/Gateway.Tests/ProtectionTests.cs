using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Abuse resistance on a real gateway process (Kestrel, not the test server): rate limits per writer and per client
/// address with 429 and Retry-After, the cap on live connections per address, CORS only on reads, slow clients cut off.
/// Client addresses come from <c>X-Forwarded-For</c>, which a gateway believes from loopback, as from its Ingress.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class ProtectionTests(ProtectionTests.LimitedGateway gateway) : IClassFixture<ProtectionTests.LimitedGateway>
{
    /// <summary>Small limits, so that a test can cross them with a few dozen requests.</summary>
    public sealed class LimitedGateway : IAsyncLifetime
    {
        public static readonly byte[] Key = Encoding.UTF8.GetBytes("the protection tests' 32-byte key");
        public const int WriterBurst = 5;
        public const int ReaderBurst = 10;
        public const int HubConnections = 2;

        public EmbeddedGateway Gateway { get; private set; } = null!;

        public HttpClient Http { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Gateway = await EmbeddedGateway.StartAsync("protection", environment: new Dictionary<string, string?>
            {
                ["Auth__Enabled"] = "true",
                ["Auth__SigningKey"] = Convert.ToBase64String(Key),
                ["RateLimits__Enabled"] = "true",
                ["RateLimits__WriterRequestsPerSecond"] = "1",
                ["RateLimits__WriterBurst"] = WriterBurst.ToString(),
                ["RateLimits__ReaderRequestsPerSecond"] = "1",
                ["RateLimits__ReaderBurst"] = ReaderBurst.ToString(),
                ["RateLimits__HubConnectionsPerAddress"] = HubConnections.ToString(),
                ["Kestrel__Limits__RequestHeadersTimeout"] = "00:00:02",
            });
            Http = new HttpClient { BaseAddress = Gateway.Address, Timeout = TimeSpan.FromSeconds(30) };
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            await Gateway.DisposeAsync();
        }
    }

    private static readonly Registry.Contest Governor = Jatim.Registry.FindContest("PGUB-35")!;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string client, string? token = null, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Forwarded-For", client);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await gateway.Http.SendAsync(request);
    }

    private static string Token(string region, string role, string subject) =>
        OfficerToken.Mint(LimitedGateway.Key, subject, region, role, TimeSpan.FromHours(1));

    /// <summary>Requests a bucket can let through in <paramref name="elapsed"/>: its burst plus what refilled meanwhile.</summary>
    private static int MostLetThrough(int burst, TimeSpan elapsed) => burst + (int)Math.Ceiling(elapsed.TotalSeconds) + 1;

    private static async Task AssertTooManyAsync(HttpResponseMessage response, string names)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, $"Retry-After: {response.Headers.RetryAfter}");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains(names, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_writer_over_its_limit_gets_429_and_nothing_of_it_is_stored_while_other_writers_are_served()
    {
        var stations = Jatim.Registry.TpsUnder("35.78.02").Take(30).ToList();
        var token = Token("35.78.02", "ppk", "ppk-hammering");
        var statuses = new List<(string Tps, HttpStatusCode Status)>();
        HttpResponseMessage? throttled = null;
        var clock = Stopwatch.StartNew();
        foreach (var tps in stations)
        {
            var response = await SendAsync(HttpMethod.Post, "/api/v1/results", "192.0.2.10", token, ApiJson.Form(SampleForms.Valid(tps, Governor, new Random(1))));
            statuses.Add((tps.Code, response.StatusCode));
            if (response.StatusCode == HttpStatusCode.TooManyRequests) throttled ??= response;
            else response.Dispose();
        }
        var elapsed = clock.Elapsed;

        Assert.NotNull(throttled);
        await AssertTooManyAsync(throttled, "writer 'ppk-hammering'");
        var accepted = statuses.Count(s => s.Status == HttpStatusCode.Created);
        Assert.Equal(statuses.Count, accepted + statuses.Count(s => s.Status == HttpStatusCode.TooManyRequests));
        Assert.InRange(accepted, LimitedGateway.WriterBurst, MostLetThrough(LimitedGateway.WriterBurst, elapsed));
        foreach (var (tps, _) in statuses.Where(s => s.Status == HttpStatusCode.TooManyRequests).Take(3))
        {
            using var stored = await SendAsync(HttpMethod.Get, $"/api/v1/tps/{tps}/results/PGUB-35", "192.0.2.11");
            Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
        }

        // Another officer on the same address is not held back by the first one's bucket.
        var other = Jatim.Registry.TpsUnder("35.78.03").First();
        using var served = await SendAsync(HttpMethod.Post, "/api/v1/results", "192.0.2.10", Token(other.Code, "kpps", "kpps-calm"),
            ApiJson.Form(SampleForms.Valid(other, Governor, new Random(2))));
        Assert.Equal(HttpStatusCode.Created, served.StatusCode);

        // Operators see it: every refused write is counted, and ASP.NET Core's limiter reports its policy.
        var metrics = await PrometheusScrape.ScrapeAsync(gateway.Http, gateway.Gateway.ManagementAddress);
        Assert.True(metrics.Sum("kpu_forms_rejected_total", ("rule", "rate-limited")) >= statuses.Count(s => s.Status == HttpStatusCode.TooManyRequests),
            string.Join("\n", metrics.Series("kpu_forms_rejected_total")));
        Assert.True(metrics.Sum("aspnetcore_rate_limiting_requests_total", ("aspnetcore_rate_limiting_policy", "writers")) > 0,
            string.Join("\n", metrics.Samples.Where(m => m.Name.StartsWith("aspnetcore_rate", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Reads_are_limited_per_client_address_and_other_addresses_are_still_served()
    {
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? throttled = null;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3 * LimitedGateway.ReaderBurst; i++)
        {
            var response = await SendAsync(HttpMethod.Get, "/api/v1/tally/PGUB-35/35", "198.51.100.20");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) throttled ??= response;
            else response.Dispose();
        }
        var elapsed = clock.Elapsed;

        Assert.NotNull(throttled);
        await AssertTooManyAsync(throttled, "this client address");
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), LimitedGateway.ReaderBurst, MostLetThrough(LimitedGateway.ReaderBurst, elapsed));
        using var other = await SendAsync(HttpMethod.Get, "/api/v1/tally/PGUB-35/35", "198.51.100.21");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        // Probes and metrics are for the cluster's own eyes and never limited.
        using var probe = await SendAsync(HttpMethod.Get, "/health/live", "198.51.100.20");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }

    [Fact]
    public async Task Writes_with_bad_tokens_are_limited_by_address()
    {
        var tps = Jatim.Registry.TpsUnder("35.78.04").First();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3 * LimitedGateway.ReaderBurst; i++)
        {
            using var response = await SendAsync(HttpMethod.Post, "/api/v1/results", "203.0.113.30", "not.a.token",
                ApiJson.Form(SampleForms.Valid(tps, Governor, new Random(3))));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, s.ToString()));
    }

    private HubConnection Viewer(string client) => new HubConnectionBuilder()
        .WithUrl(new Uri(gateway.Gateway.Address, "hubs/tally"), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.Headers["X-Forwarded-For"] = client;
        })
        .Build();

    [Fact]
    public async Task Live_connections_per_address_are_capped_and_a_closed_one_frees_its_place()
    {
        const string client = "198.51.100.40";
        var open = new List<HubConnection>();
        try
        {
            for (var i = 0; i < LimitedGateway.HubConnections; i++)
            {
                var viewer = Viewer(client);
                await viewer.StartAsync();
                open.Add(viewer);
            }
            await using var oneTooMany = Viewer(client);
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => oneTooMany.StartAsync());
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

            await using var elsewhere = Viewer("198.51.100.41");
            await elsewhere.StartAsync();
            Assert.Equal("PGUB-35", (await elsewhere.InvokeAsync<JsonElement>("Subscribe", "PGUB-35", "35")).GetProperty("contest").GetString());

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await Eventually.HoldsAsync(async () =>
            {
                var again = Viewer(client);
                try
                {
                    await again.StartAsync();
                    open.Add(again);
                    return (true, "connected");
                }
                catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    await again.DisposeAsync();
                    return (false, "still 429");
                }
            }, TimeSpan.FromSeconds(20), "a place is free again once a connection closed");
        }
        finally
        {
            foreach (var viewer in open) await viewer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Any_site_may_read_but_no_site_may_make_a_browser_write()
    {
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/v1/contests");
        read.Headers.Add("Origin", "https://media.example");
        read.Headers.Add("X-Forwarded-For", "192.0.2.50");
        using var readResponse = await gateway.Http.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, readResponse.StatusCode);
        Assert.Equal("*", Assert.Single(readResponse.Headers.GetValues("Access-Control-Allow-Origin")));

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/results");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        preflight.Headers.Add("X-Forwarded-For", "192.0.2.50");
        using var preflightResponse = await gateway.Http.SendAsync(preflight);
        Assert.False(preflightResponse.Headers.Contains("Access-Control-Allow-Origin"), $"preflight answered {(int)preflightResponse.StatusCode} with CORS headers");
        Assert.False(preflightResponse.Headers.Contains("Access-Control-Allow-Methods"));

        using var write = new HttpRequestMessage(HttpMethod.Post, "/api/v1/results") { Content = JsonContent.Create(new { }) };
        write.Headers.Add("Origin", "https://evil.example");
        write.Headers.Add("X-Forwarded-For", "192.0.2.51");
        using var writeResponse = await gateway.Http.SendAsync(write);
        Assert.Equal(HttpStatusCode.Unauthorized, writeResponse.StatusCode);
        Assert.False(writeResponse.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_client_that_never_finishes_its_headers_is_disconnected()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.Gateway.Address.Host, gateway.Gateway.Address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("GET /api/v1/contests HTTP/1.1\r\nHost: localhost\r\nX-Slow: "u8.ToArray());

        // The server must end the connection by itself (Kestrel:Limits:RequestHeadersTimeout, 2 s here); the
        // cancellation only keeps a broken gateway from hanging the test.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, guard.Token)) > 0) answer.Write(buffer, 0, read);
        }
        catch (IOException)
        {
            // Reset by the server: disconnected, as required.
        }
        Assert.False(guard.IsCancellationRequested, "the gateway kept a connection whose headers never ended");
        var text = Encoding.ASCII.GetString(answer.ToArray());
        Assert.True(text.Length == 0 || text.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), text);
    }
}
