using System.Text.Json;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

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

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Live:MaxSubscriptionsPerConnection", PerConnection.ToString());
            builder.UseSetting("Live:MaxSubscriptionsPerAddress", PerAddress.ToString());
            builder.UseSetting("Live:InvocationsPerSecond", PerSecond.ToString());
            builder.UseSetting("Live:InvocationBurst", Burst.ToString());
        }
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
    public async Task Subscriptions_are_counted_per_address_across_its_connections_and_given_back_by_unsubscribe_and_disconnect()
    {
        const string client = "198.51.100.2";
        var stations = Stations("35.78.02");
        var first = await ConnectAsync(client);
        await using var _ = first;
        await using var second = await ConnectAsync(client);
        foreach (var tps in stations[..3]) await SubscribeAsync(first, tps);
        foreach (var tps in stations[3..5]) await SubscribeAsync(second, tps);

        // The second connection is under its own limit (2 of 3), but the address has 5 of 5.
        var refused = await Assert.ThrowsAsync<HubException>(() => SubscribeAsync(second, stations[5]));
        ViewerLimitErrors.AssertRefused(refused, "Subscribe", "per address", LimitedHost.PerAddress);

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

    [Fact]
    public async Task A_flood_of_calls_is_refused_past_the_burst_and_the_connection_works_again_after_waiting_as_told()
    {
        var tps = Stations("35.78.03")[0];
        await using var viewer = await ConnectAsync("198.51.100.4");

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

        // Refusals take no tokens, so the longest wait any of them named, counted from after the last, is enough: that is
        // the contract under test, not a guess at how long the server needs.
        var wait = refusals.Max(ViewerLimitErrors.RetryAfterSeconds);
        Assert.InRange(wait, 1, 60);
        await Task.Delay(TimeSpan.FromSeconds(wait));
        Assert.Equal(tps, (await SubscribeAsync(viewer, tps)).GetProperty("region").GetString());
    }
}
