using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.Postgres;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// A viewer's subscriptions survive the silos under the watched grains dying: the gateway watches them again by
/// itself, updates keep coming, and the last message is the exact total.
/// </summary>
[Collection(CrashCollection.Name)]
public class LiveCrashTests(ITestOutputHelper output)
{
    private static PostgresServer Postgres => CrashCollection.Postgres;
    private static readonly string[] Slice = ["35.79"];
    private static readonly (string Contest, string Region)[] Watched = [("PGUB-35", "35"), ("PGUB-35", "35.79"), ("PWAL-35.79", "35.79.01")];

    [Fact]
    public async Task Subscriptions_keep_updating_through_killed_silos_and_end_on_the_exact_state()
    {
        await using var cluster = new LocalCluster(Postgres, silos: 3);
        await cluster.CreateDatabaseAsync();
        await cluster.StartAsync();
        var messages = new ConcurrentQueue<(DateTime At, JsonElement Tally)>();
        await using var viewer = new HubConnectionBuilder()
            .WithUrl(new Uri(cluster.GatewayAddress, "/hubs/tally"), o => { o.Transports = HttpTransportType.WebSockets; o.SkipNegotiation = true; })
            .Build();
        viewer.On<JsonElement>("tally", tally => messages.Enqueue((DateTime.UtcNow, tally)));
        await viewer.StartAsync();
        foreach (var (contest, region) in Watched) await viewer.InvokeAsync<JsonElement>("Subscribe", contest, region);

        var load = new ElectionLoad(cluster.Http, cluster.GatewayAddress, Jatim.Registry, Slice, seed: 62, cluster.Officers);
        var loadStarted = DateTime.UtcNow;
        var running = load.RunAsync(TimeSpan.FromSeconds(40), concurrency: 4);
        var kills = new List<DateTime>();
        for (var silo = 0; silo < cluster.Silos.Count; silo++)
        {
            await Task.Delay(TimeSpan.FromSeconds(9));
            kills.Add(DateTime.UtcNow);
            await cluster.KillAndRestartSiloAsync(silo);
            output.WriteLine($"SIGKILL silo-{silo} at {(DateTime.UtcNow - loadStarted).TotalSeconds:N0} s");
        }
        await running;
        var loadEnded = DateTime.UtcNow;

        await using var database = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var ledger = new PostgresLedger(database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
        var recount = new Recount(Jatim.Registry, await ledger.ReadLatestUnderAsync("35.79"));
        var settle = Stopwatch.StartNew();
        await Eventually.HoldsAsync(() => Task.FromResult(Watched.All(w => LastOf(messages, w) is { } last && Matches(last, recount.Expected(w.Contest, w.Region)))
                ? (true, "")
                : (false, string.Join(" | ", Watched.Select(w => $"{w.Region}: {LastOf(messages, w)?.GetProperty("version")}")))),
            TimeSpan.FromSeconds(60), "every subscription's last message equals the recount");

        foreach (var watched in Watched)
        {
            var times = messages.Where(m => Is(m.Tally, watched) && m.At >= loadStarted && m.At <= loadEnded).Select(m => m.At).ToList();
            var gaps = times.Zip(times.Skip(1), (a, b) => b - a).DefaultIfEmpty(TimeSpan.Zero);
            output.WriteLine($"{watched.Contest} {watched.Region}: {times.Count} messages during the load, longest gap {gaps.Max().TotalSeconds:N1} s");
            Assert.True(times.Count > 10, $"{watched.Region}: only {times.Count} messages");
            // Updates resumed after every kill, before the next one (or the end of the load): an order, not a speed.
            foreach (var (kill, next) in kills.Zip(kills.Skip(1).Append(loadEnded)))
                Assert.True(times.Any(t => t > kill && t <= next), $"{watched.Region}: no message between the kill at {kill:HH:mm:ss} and {next:HH:mm:ss}");
        }
        output.WriteLine($"all subscriptions ended on the exact state {settle.Elapsed.TotalSeconds:N1} s after the load");
    }

    private static bool Is(JsonElement tally, (string Contest, string Region) watched) =>
        tally.GetProperty("contest").GetString() == watched.Contest && tally.GetProperty("region").GetString() == watched.Region;

    private static JsonElement? LastOf(IEnumerable<(DateTime At, JsonElement Tally)> messages, (string Contest, string Region) watched) =>
        messages.Where(m => Is(m.Tally, watched)).Select(m => (JsonElement?)m.Tally).LastOrDefault();

    private static bool Matches(JsonElement? message, Tallies.Tally expected) =>
        message is { } tally && tally.GetProperty("version").GetInt64() == expected.Version
        && tally.GetProperty("valid").GetInt64() == expected.Valid && tally.GetProperty("tpsReported").GetInt32() == expected.TpsReported;
}
