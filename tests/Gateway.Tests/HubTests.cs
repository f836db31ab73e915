using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>The SignalR hub /hubs/tally through the .NET client: snapshot, updates, throttle, unsubscribe, errors.</summary>
public class HubTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private sealed record Received(DateTime At, JsonElement Tally)
    {
        public string Region => Tally.GetProperty("region").GetString()!;
        public long Valid => Tally.GetProperty("valid").GetInt64();
    }

    private async Task<(HubConnection Connection, ConcurrentQueue<Received> Messages)> ConnectAsync(bool messagePack = false)
    {
        var builder = host.Hub();
        if (messagePack) builder.AddMessagePackProtocol();
        var connection = builder.Build();
        var messages = new ConcurrentQueue<Received>();
        if (messagePack) connection.On<Dictionary<string, object?>>("tally", t => messages.Enqueue(new Received(DateTime.UtcNow, JsonSerializer.SerializeToElement(t))));
        else connection.On<JsonElement>("tally", t => messages.Enqueue(new Received(DateTime.UtcNow, t)));
        await connection.StartAsync();
        return (connection, messages);
    }

    private async Task SubmitAsync(IEnumerable<ResultForm> forms) =>
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (form, _) =>
            Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(form)).Status));

    private static List<ResultForm> Forms(string region, string contest, int seed) =>
        [.. Jatim.Registry.TpsUnder(region).Select(t => SampleForms.Valid(t, Jatim.Registry.FindContest(contest)!, new Random(seed + t.Code.GetHashCode())))];

    [Fact]
    public async Task Subscribe_returns_the_current_tally_then_pushes_changes()
    {
        const string village = "35.71.01.1001";
        var (connection, messages) = await ConnectAsync();
        await using var _ = connection;

        var snapshot = await connection.InvokeAsync<JsonElement>("Subscribe", "PGUB-35", village);
        Assert.Equal((await host.GetJsonAsync($"/api/v1/tally/PGUB-35/{village}")).ToString(), snapshot.ToString());

        var forms = Forms(village, "PGUB-35", 1).Take(2).ToList();
        await SubmitAsync(forms);

        await Eventually.HoldsAsync(() => Task.FromResult((
            messages.Any(m => m.Region == village && m.Valid == forms.Sum(f => f.Valid)), $"{messages.Count} messages")),
            TimeSpan.FromSeconds(10), "a tally message with both forms");
    }

    [Fact]
    public async Task A_burst_of_1000_forms_gives_at_most_one_message_per_flush_interval_and_ends_on_the_exact_total()
    {
        const string regency = "35.73";
        var forms = Forms(regency, "PWAL-35.73", 2).Take(1000).ToList();
        var (connection, messages) = await ConnectAsync();
        await using var _ = connection;
        await connection.InvokeAsync<JsonElement>("Subscribe", "PWAL-35.73", regency);

        var started = DateTime.UtcNow;
        await SubmitAsync(forms);
        var expected = forms.Sum(f => f.Valid);
        await Eventually.HoldsAsync(() => Task.FromResult((messages.LastOrDefault()?.Valid == expected, $"last: {messages.LastOrDefault()?.Valid}")),
            TimeSpan.FromSeconds(30), "the last message carries the exact total");
        var elapsed = messages.Last().At - started;

        // One push per flush interval of the regency (GatewayHost: 50 ms), and the gateway adds no pace of its own but
        // its watch renewals (Live:RenewInterval), each of which may bring a newer tally between two flushes.
        var bound = (int)(elapsed / TimeSpan.FromMilliseconds(50)) + 2 + (int)(elapsed / new Live.LiveOptions().RenewInterval);
        Assert.True(messages.Count <= bound, $"{messages.Count} messages in {elapsed.TotalMilliseconds:N0} ms (at most {bound})");
        Assert.True(messages.Count >= 2, "the burst should have produced several updates");
        var tally = await host.GetJsonAsync($"/api/v1/tally/PWAL-35.73/{regency}");
        Assert.Equal(expected, tally.GetProperty("valid").GetInt64());
    }

    [Fact]
    public async Task After_unsubscribe_no_message_comes_for_that_region()
    {
        const string village = "35.72.01.1001";
        var district = Jatim.Registry.Get(village).Parent!;
        var (connection, messages) = await ConnectAsync();
        await using var _ = connection;
        await connection.InvokeAsync<JsonElement>("Subscribe", "PGUB-35", village);
        await connection.InvokeAsync<JsonElement>("Subscribe", "PGUB-35", district);
        await connection.InvokeAsync("Unsubscribe", "PGUB-35", village);

        var form = Forms(village, "PGUB-35", 3)[0];
        await SubmitAsync([form]);

        // The district's update travels after the village's would have: once it is here, the village's is not coming.
        await Eventually.HoldsAsync(() => Task.FromResult((messages.Any(m => m.Region == district && m.Valid >= form.Valid), $"{messages.Count}")),
            TimeSpan.FromSeconds(10), "the district's update");
        Assert.DoesNotContain(messages, m => m.Region == village);
    }

    [Theory]
    [InlineData("PGUB-99", "35", "PGUB-99")]
    [InlineData("PGUB-35", "35.99", "35.99")]
    [InlineData("PBUP-35.07", "35.78", "does not cover")]
    public async Task Unknown_contests_and_regions_fail_with_a_hub_error_naming_them(string contest, string code, string named)
    {
        var (connection, _) = await ConnectAsync();
        await using var __ = connection;
        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<JsonElement>("Subscribe", contest, code));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public async Task MessagePack_clients_get_the_same_tally()
    {
        var (connection, _) = await ConnectAsync(messagePack: true);
        await using var __ = connection;
        var snapshot = await connection.InvokeAsync<Dictionary<string, object?>>("Subscribe", "PGUB-35", "35");
        Assert.Equal("35", snapshot["region"]);
        Assert.Equal("Jawa Timur", snapshot["name"]);
    }

    [Fact]
    public async Task Operators_get_anomalies_live_and_in_the_list()
    {
        var (connection, _) = await ConnectAsync();
        await using var __ = connection;
        var anomalies = new ConcurrentQueue<JsonElement>();
        connection.On<JsonElement>("anomaly", a => anomalies.Enqueue(a));
        await connection.InvokeAsync<JsonElement>("SubscribeAnomalies");

        var tps = Jatim.Registry.TpsUnder("35.76.01").First();
        var form = SampleForms.Valid(tps, Jatim.Registry.FindContest("PGUB-35")!, new Random(9));
        var landslide = form with { Votes = new Dictionary<string, long> { ["1"] = form.Valid, ["2"] = 0, ["3"] = 0 } };
        await SubmitAsync([landslide]);

        await Eventually.HoldsAsync(() => Task.FromResult((anomalies.Any(a => a.GetProperty("tps").GetString() == tps.Code), $"{anomalies.Count}")),
            TimeSpan.FromSeconds(10), "the anomaly pushed to operators");
        var pushed = anomalies.First(a => a.GetProperty("tps").GetString() == tps.Code);
        Assert.Contains("single-candidate-over-95pct", pushed.GetProperty("anomalies").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(tps.Parent, pushed.GetProperty("region").GetString());
        var list = await host.GetJsonAsync("/api/v1/anomalies?limit=10");
        Assert.Equal(tps.Code, list[0].GetProperty("tps").GetString());
    }
}
