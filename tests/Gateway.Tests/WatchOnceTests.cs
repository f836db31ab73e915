using System.Collections.Concurrent;
using System.Text.Json;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>The gateway with every <c>Watch</c> call its grains receive counted, per grain.</summary>
public sealed class WatchCountingHost : GatewayHost
{
    public ConcurrentDictionary<string, int> Watches { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Renewals would count too; none comes while a test here runs.
        builder.UseSetting("Live:RenewInterval", "00:00:50");
        builder.ConfigureServices(services => services.AddSingleton<IIncomingGrainCallFilter>(new Counter(Watches)));
    }

    private sealed class Counter(ConcurrentDictionary<string, int> watches) : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == "Watch") watches.AddOrUpdate(context.TargetId.Key.ToString()!, 1, (_, n) => n + 1);
            return context.Invoke();
        }
    }
}

/// <summary>A gateway watches a (contest, region) once, however many of its viewers follow it.</summary>
public class WatchOnceTests(WatchCountingHost host) : IClassFixture<WatchCountingHost>
{
    [Fact]
    public async Task A_second_subscribe_to_the_same_pair_through_the_same_gateway_makes_no_second_watch()
    {
        const string village = "35.79.01.1001";
        var first = host.Hub().Build();
        var second = host.Hub().Build();
        await using var _ = first;
        await using var __ = second;
        await first.StartAsync();
        await second.StartAsync();

        var answers = await Task.WhenAll(
            first.InvokeAsync<JsonElement>("Subscribe", "PGUB-35", village),
            second.InvokeAsync<JsonElement>("Subscribe", "PGUB-35", village));
        await first.InvokeAsync<JsonElement>("Subscribe", "PGUB-35", village);
        var third = await second.InvokeAsync<JsonElement>("Subscribe", "PGUB-35", village);

        Assert.Equal(1, host.Watches.GetValueOrDefault(village));
        var current = await host.GetJsonAsync($"/api/v1/tally/PGUB-35/{village}");
        foreach (var answer in answers.Append(third)) Assert.Equal(current.ToString(), answer.ToString());

        // Another pair is its own watch.
        await first.InvokeAsync<JsonElement>("Subscribe", "PWAL-35.79", village);
        Assert.Equal(2, host.Watches.GetValueOrDefault(village));
    }

    [Fact]
    public async Task When_the_last_viewer_leaves_the_next_one_watches_again()
    {
        const string village = "35.79.01.1002";
        var connection = host.Hub().Build();
        await using var _ = connection;
        await connection.StartAsync();
        await connection.InvokeAsync<JsonElement>("Subscribe", "PGUB-35", village);
        await connection.InvokeAsync("Unsubscribe", "PGUB-35", village);
        await connection.InvokeAsync<JsonElement>("Subscribe", "PGUB-35", village);

        Assert.Equal(2, host.Watches.GetValueOrDefault(village));
    }
}
