using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// A watched node that deactivates (its silo scaled in or rolled) tells the gateway, which watches it again at once:
/// viewers keep their updates without waiting for the next renewal, set here to 50 s (the longest allowed) so that only the
/// handover can explain an update.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class HandoverTests(HandoverTests.SlowRenewalHost host) : IClassFixture<HandoverTests.SlowRenewalHost>
{
    public sealed class SlowRenewalHost : GatewayHost
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Live:RenewInterval", "00:00:50");
        }
    }

    [Fact]
    public async Task A_viewer_keeps_getting_updates_after_the_watched_grain_is_deactivated()
    {
        const string village = "35.72.01.1004";
        var contest = Jatim.Registry.FindContest("PGUB-35")!;
        var tps = Jatim.Registry.TpsUnder(village).ToList();
        var messages = new ConcurrentQueue<JsonElement>();
        await using var connection = host.Hub().Build();
        connection.On<JsonElement>("tally", messages.Enqueue);
        await connection.StartAsync();
        await connection.InvokeAsync<JsonElement>("Subscribe", contest.Id, village);

        var first = SampleForms.Valid(tps[0], contest, new Random(1));
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(first)).Status);
        await Eventually.HoldsAsync(() => Task.FromResult((messages.Any(m => Valid(m) == first.Valid), $"{messages.Count} messages")),
            TimeSpan.FromSeconds(10), "the first form reaches the viewer");

        // Every idle activation goes, the watched village included, as when its silo leaves the cluster.
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var second = SampleForms.Valid(tps[1], contest, new Random(2));
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(second)).Status);
        await Eventually.HoldsAsync(() => Task.FromResult((messages.Any(m => Valid(m) == first.Valid + second.Valid), $"last valid {Valid(messages.Last())}")),
            TimeSpan.FromSeconds(10), "the form sent after the village was deactivated reaches the viewer");
    }

    private static long Valid(JsonElement tally) => tally.GetProperty("valid").GetInt64();
}
