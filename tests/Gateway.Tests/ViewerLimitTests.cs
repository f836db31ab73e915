using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// An abusive viewer on <c>/hubs/tally</c> is held by 429-style hub errors (API.md, "Limits"): subscriptions per
/// connection and per client address across its connections, and hub calls a second per connection. The connection
/// survives each refusal, and what it gives back (an unsubscribe, a closed connection, the time it was told to wait) is
/// room again.
/// </summary>
public class ViewerLimitTests(ViewerLimitTests.LimitedHost host) : IClassFixture<ViewerLimitTests.LimitedHost>
{
    /// <summary>Small limits, so that a test crosses them with a handful of calls.</summary>
    public sealed class LimitedHost : GatewayHost
    {
        public const int PerConnection = 3;
        public const int PerAddress = 5;
        public const int PerSecond = 10;
        public const int Burst = 20;

        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(new CapturedLogs(Logs)));
            builder.UseSetting("Live:MaxSubscriptionsPerConnection", PerConnection.ToString());
            builder.UseSetting("Live:MaxSubscriptionsPerAddress", PerAddress.ToString());
            builder.UseSetting("Live:InvocationsPerSecond", PerSecond.ToString());
            builder.UseSetting("Live:InvocationBurst", Burst.ToString());
        }
    }

    private sealed class CapturedLogs(ConcurrentQueue<(string, LogLevel, string)> entries) : ILoggerProvider, ILogger
    {
        private string _category = "";

        public ILogger CreateLogger(string categoryName) => new CapturedLogs(entries) { _category = categoryName };

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((_category, logLevel, formatter(state, exception) + " " + exception?.Message));
    }

    private const string Contest = "PGUB-35";

    /// <summary>Distinct TPS of one district per test, so that no two tests share a region.</summary>
    private static string[] Stations(string district) => [.. Jatim.Registry.TpsUnder(district).Take(10).Select(t => t.Code)];

    private async Task<HubConnection> ConnectAsync(string client)
    {
        var connection = host.Hub(client).Build();
        await connection.StartAsync();
        return connection;
    }

    private static Task<JsonElement> SubscribeAsync(HubConnection connection, string region) =>
        connection.InvokeAsync<JsonElement>("Subscribe", Contest, region);

    [Fact]
    public async Task A_connection_over_its_subscription_limit_gets_a_429_hub_error_and_keeps_working()
    {
        var stations = Stations("35.78.01");
        await using var viewer = await ConnectAsync("198.51.100.1");
        foreach (var tps in stations[..LimitedHost.PerConnection]) await SubscribeAsync(viewer, tps);

        var refused = await Assert.ThrowsAsync<HubException>(() => SubscribeAsync(viewer, stations[LimitedHost.PerConnection]));
        ViewerLimitErrors.AssertRefused(refused, "Subscribe", "per connection", LimitedHost.PerConnection);

        // Following what it already follows takes no room; giving one up makes room.
        Assert.Equal(stations[0], (await SubscribeAsync(viewer, stations[0])).GetProperty("region").GetString());
        await viewer.InvokeAsync("Unsubscribe", Contest, stations[0]);
        Assert.Equal(stations[LimitedHost.PerConnection], (await SubscribeAsync(viewer, stations[LimitedHost.PerConnection])).GetProperty("region").GetString());
        Assert.Equal(HubConnectionState.Connected, viewer.State);
    }

    [Fact]
    public async Task A_JSON_client_receives_the_documented_text_in_the_completions_error()
    {
        var stations = Stations("35.78.05");
        var socket = host.Server.CreateWebSocketClient();
        socket.ConfigureRequest = request =>
        {
            request.HttpContext.Connection.RemoteIpAddress = IPAddress.Loopback;
            request.Headers["X-Forwarded-For"] = "198.51.100.5";
        };
        using var viewer = await socket.ConnectAsync(new Uri(host.Server.BaseAddress, "hubs/tally"), CancellationToken.None);
        await SendAsync(viewer, """{"protocol":"json","version":1}""");
        var completions = new List<JsonElement>();
        for (var i = 0; i <= LimitedHost.PerConnection; i++)
        {
            await SendAsync(viewer, JsonSerializer.Serialize(new { type = 1, invocationId = $"{i}", target = "Subscribe", arguments = new[] { Contest, stations[i] } }));
            completions.Add(await CompletionAsync(viewer, $"{i}"));
        }

        for (var i = 0; i < LimitedHost.PerConnection; i++) Assert.Equal(stations[i], completions[i].GetProperty("result").GetProperty("region").GetString());
        Assert.Equal(
            "An unexpected error occurred invoking 'Subscribe' on the server. HubException: 429 Too Many Requests: per connection: " +
            $"a connection may follow at most {LimitedHost.PerConnection} regions at once (Live:MaxSubscriptionsPerConnection); unsubscribe from one first.",
            completions[^1].GetProperty("error").GetString());
    }

    private static Task SendAsync(WebSocket socket, string message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message + '\u001e'), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads records until the completion (type 3) of <paramref name="invocationId"/>, past pings and pushes.</summary>
    private static async Task<JsonElement> CompletionAsync(WebSocket socket, string invocationId)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var pending = new StringBuilder();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, guard.Token);
            Assert.NotEqual(WebSocketMessageType.Close, received.MessageType);
            pending.Append(Encoding.UTF8.GetString(buffer, 0, received.Count));
            var text = pending.ToString();
            var end = text.LastIndexOf('\u001e');
            if (end < 0) continue;
            pending.Clear().Append(text[(end + 1)..]);
            foreach (var record in text[..end].Split('\u001e'))
            {
                var message = JsonDocument.Parse(record).RootElement.Clone();
                if (message.TryGetProperty("type", out var type) && type.GetInt32() == 3 && message.GetProperty("invocationId").GetString() == invocationId)
                    return message;
            }
        }
    }

    [Fact]
    public async Task Subscriptions_are_counted_per_address_across_its_connections_and_given_back_by_unsubscribe_and_disconnect()
    {
        const string client = "198.51.100.2";
        var stations = Stations("35.78.02");
        var first = await ConnectAsync(client);
        await using var _ = first;
        await using var second = await ConnectAsync(client);
        foreach (var tps in stations[..3]) await SubscribeAsync(first, tps);
        foreach (var tps in stations[3..5]) await SubscribeAsync(second, tps);

        // The second connection is under its own limit (2 of 3), but the address follows 5 different pairs of 5.
        var refused = await Assert.ThrowsAsync<HubException>(() => SubscribeAsync(second, stations[5]));
        ViewerLimitErrors.AssertRefused(refused, "Subscribe", "per address", LimitedHost.PerAddress);
        // What counts is what the address keeps awake: a pair it already follows costs nothing more.
        await SubscribeAsync(second, stations[0]);
        await second.InvokeAsync("Unsubscribe", Contest, stations[0]);

        // Another address is not held by this one's count.
        await using var elsewhere = await ConnectAsync("198.51.100.3");
        foreach (var tps in stations[5..8]) await SubscribeAsync(elsewhere, tps);

        await second.InvokeAsync("Unsubscribe", Contest, stations[3]);
        await SubscribeAsync(second, stations[5]);
        ViewerLimitErrors.AssertRefused(await Assert.ThrowsAsync<HubException>(() => SubscribeAsync(second, stations[6])),
            "Subscribe", "per address", LimitedHost.PerAddress);

        // Closing the first connection gives its three back to the address.
        await first.DisposeAsync();
        await using var third = await ConnectAsync(client);
        var followed = 0;
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await SubscribeAsync(third, stations[6 + followed]);
                followed++;
            }
            catch (HubException e) when (e.Message.Contains("per address", StringComparison.Ordinal) || e.Message.Contains("invocation rate", StringComparison.Ordinal))
            {
                // The server has not handled the first connection's close yet (or this poll outran the call rate).
            }
            return (followed == 3, $"{followed} of 3 subscribed");
        }, TimeSpan.FromSeconds(20), "the closed connection's subscriptions are the address's again");
        ViewerLimitErrors.AssertRefused(await Assert.ThrowsAsync<HubException>(() => SubscribeAsync(second, stations[9])),
            "Subscribe", "per address", LimitedHost.PerAddress);
    }

    /// <summary>The gateway's <c>kpu_live_refusals_total</c> for one limit (process-wide: only its growth means anything).</summary>
    private async Task<double> RefusalsAsync(string limit)
    {
        using var management = host.CreateManagementClient();
        return (await PrometheusScrape.ScrapeAsync(management, management.BaseAddress!)).Sum("kpu_live_refusals_total", ("limit", limit));
    }

    [Fact]
    public async Task A_flood_of_calls_is_refused_past_the_burst_and_the_connection_works_again_after_waiting_as_told()
    {
        var tps = Stations("35.78.03")[0];
        await using var viewer = await ConnectAsync("198.51.100.4");

        var refusedBefore = await RefusalsAsync("invocation rate");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            try
            {
                await SubscribeAsync(viewer, tps);
                return null;
            }
            catch (HubException e)
            {
                return e;
            }
        }));
        var elapsed = clock.Elapsed;

        var refusals = outcomes.OfType<HubException>().ToList();
        Assert.NotEmpty(refusals);
        foreach (var refusal in refusals) ViewerLimitErrors.AssertRefused(refusal, "Subscribe", "invocation rate", LimitedHost.PerSecond);
        var served = outcomes.Count(o => o is null);
        Assert.InRange(served, LimitedHost.Burst, LimitedHost.Burst + (int)Math.Ceiling(elapsed.TotalSeconds * LimitedHost.PerSecond) + 1);
        Assert.Equal(HubConnectionState.Connected, viewer.State);
        // Counted for operators, and not logged as errors: the flooding viewer does not decide how much the gateway writes.
        await Eventually.HoldsAsync(async () =>
        {
            var counted = await RefusalsAsync("invocation rate") - refusedBefore;
            return (counted >= refusals.Count, $"{counted} of {refusals.Count} counted");
        }, TimeSpan.FromSeconds(10), "every refusal counted in kpu_live_refusals_total");
        Assert.DoesNotContain(host.Logs, l => l.Level >= LogLevel.Warning && l.Message.Contains("429 Too Many Requests", StringComparison.Ordinal));

        // Refusals take no tokens, so the longest wait any of them named, counted from after the last, is enough: that is
        // the contract under test, not a guess at how long the server needs.
        var wait = refusals.Max(ViewerLimitErrors.RetryAfterSeconds);
        Assert.InRange(wait, 1, 60);
        await Task.Delay(TimeSpan.FromSeconds(wait));
        Assert.Equal(tps, (await SubscribeAsync(viewer, tps)).GetProperty("region").GetString());
    }
}
