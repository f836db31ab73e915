using System.Text.Json;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// The (contest, region) pairs one gateway watches on grains are bounded (<c>Live:MaxWatchesPerGateway</c>): at the
/// bound a new pair is refused with a 429-style hub error, whoever asks, while pairs already watched are still served.
/// </summary>
public class WatchLimitTests(WatchLimitTests.LimitedHost host) : IClassFixture<WatchLimitTests.LimitedHost>
{
    public sealed class LimitedHost : GatewayHost
    {
        public const int Watches = 3;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Live:MaxWatchesPerGateway", Watches.ToString());
        }
    }

    private const string Contest = "PGUB-35";

    private async Task<HubConnection> ConnectAsync(string client)
    {
        var connection = host.Hub(client).Build();
        await connection.StartAsync();
        return connection;
    }

    private static async Task<string?> SubscribeAsync(HubConnection connection, string region) =>
        (await connection.InvokeAsync<JsonElement>("Subscribe", Contest, region)).GetProperty("region").GetString();

    [Fact]
    public async Task At_the_bound_a_new_pair_is_refused_an_old_one_is_served_and_leaving_frees_room()
    {
        var stations = Jatim.Registry.TpsUnder("35.78.04").Take(6).Select(t => t.Code).ToArray();
        var first = await ConnectAsync("203.0.113.1");
        await using var _ = first;
        await using var second = await ConnectAsync("203.0.113.2");
        foreach (var tps in stations[..LimitedHost.Watches]) await SubscribeAsync(first, tps);

        var refused = await Assert.ThrowsAsync<HubException>(() => SubscribeAsync(second, stations[3]));
        ViewerLimitErrors.AssertRefused(refused, "Subscribe", "per gateway", LimitedHost.Watches);
        Assert.Equal(stations[0], await SubscribeAsync(second, stations[0]));

        // A pair still followed by another connection stays watched; one nobody follows any more is room again.
        await first.InvokeAsync("Unsubscribe", Contest, stations[0]);
        ViewerLimitErrors.AssertRefused(await Assert.ThrowsAsync<HubException>(() => SubscribeAsync(second, stations[3])),
            "Subscribe", "per gateway", LimitedHost.Watches);
        await first.InvokeAsync("Unsubscribe", Contest, stations[1]);
        Assert.Equal(stations[3], await SubscribeAsync(second, stations[3]));

        // The first connection's last pair goes with it.
        await first.DisposeAsync();
        var subscribed = false;
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                subscribed = await SubscribeAsync(second, stations[4]) == stations[4];
            }
            catch (HubException e) when (e.Message.Contains("per gateway", StringComparison.Ordinal) || e.Message.Contains("invocation rate", StringComparison.Ordinal))
            {
                // The server has not handled the close yet (or this poll outran the call rate).
            }
            return (subscribed, "still refused");
        }, TimeSpan.FromSeconds(20), "the closed connection's watch is given back");
        Assert.Equal(HubConnectionState.Connected, second.State);
    }
}
