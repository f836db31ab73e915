using System.Diagnostics;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// DESIGN.md invariants 1, 2 and 4 with real processes: silos killed with SIGKILL and PostgreSQL restarted under load.
/// These tests own a PostgreSQL server of their own, since they restart it.
/// </summary>
[Collection(CrashCollection.Name)]
public class CrashTests(ITestOutputHelper output)
{
    private static PostgresServer Postgres => CrashCollection.Postgres;
    private static readonly string[] Slice = ["35.79", "35.76", "35.75"];

    [Fact]
    public async Task Silos_killed_under_load_lose_no_acknowledged_form_and_every_tally_ends_exact()
    {
        await using var cluster = await StartClusterAsync();
        var load = new ElectionLoad(cluster.Http, cluster.GatewayAddress, Jatim.Registry, Slice, seed: 60, cluster.Officers);

        var lastKill = await KillSilosUnderAsync(cluster, load, TimeSpan.FromSeconds(60), minKills: 5);

        await AssertDurableAndExactAsync(cluster, load, lastKill, "the last SIGKILL");
    }

    [Fact]
    public async Task Photos_arriving_while_silos_are_killed_set_and_clear_photo_missing_exactly()
    {
        await using var cluster = await StartClusterAsync();
        // Two in five TPS cite a photo, uploaded after the form while silos die; a third of those never arrive.
        var load = new ElectionLoad(cluster.Http, cluster.GatewayAddress, Jatim.Registry, Slice, seed: 62, cluster.Officers, photoShare: 0.4);

        var lastKill = await KillSilosUnderAsync(cluster, load, TimeSpan.FromSeconds(40), minKills: 3);
        await load.FinishUploadsAsync(TimeSpan.FromMinutes(2));

        output.WriteLine($"photos stored: {load.PhotosStored.Count:N0}, withheld: {load.PhotosWithheld.Count:N0}");
        Assert.NotEmpty(load.PhotosStored);
        Assert.NotEmpty(load.PhotosWithheld);
        // The recount reads each form's evidence from the database: flags of withheld pages stay, the others cleared.
        await AssertDurableAndExactAsync(cluster, load, lastKill, "the last SIGKILL");
        var province = await ApiTallies.ReadAsync(cluster.Http, cluster.GatewayAddress, Jatim.Registry, "PGUB-35", "35");
        Assert.True(province.Tally.PhotoMissing > 0, province.Tally.ToString());
    }

    /// <summary>Runs the load for <paramref name="duration"/>, killing a random silo with SIGKILL every 6–10 s.</summary>
    /// <returns>Running since the last kill.</returns>
    private async Task<Stopwatch> KillSilosUnderAsync(LocalCluster cluster, ElectionLoad load, TimeSpan duration, int minKills)
    {
        var running = load.RunAsync(duration, concurrency: 8);
        var random = new Random(5);
        var kills = 0;
        var lastKill = Stopwatch.StartNew();
        while (true)
        {
            var pause = Task.Delay(TimeSpan.FromSeconds(6 + random.NextDouble() * 4));
            if (await Task.WhenAny(running, pause) == running) break;
            var victim = random.Next(cluster.Silos.Count);
            await cluster.KillAndRestartSiloAsync(victim);
            lastKill.Restart();
            output.WriteLine($"SIGKILL silo-{victim} (kill {++kills}) after {load.Sent.Count:N0} requests");
        }
        await running;
        Assert.True(kills >= minKills, $"only {kills} kills happened during the load");
        return lastKill;
    }

    [Fact]
    public async Task PostgreSQL_restarted_under_load_loses_no_acknowledged_form_and_every_tally_ends_exact()
    {
        await using var cluster = await StartClusterAsync();
        var load = new ElectionLoad(cluster.Http, cluster.GatewayAddress, Jatim.Registry, Slice, seed: 61, cluster.Officers);

        var running = load.RunAsync(TimeSpan.FromSeconds(40), concurrency: 8);
        var lastRestart = Stopwatch.StartNew();
        foreach (var at in new[] { 10, 12 })
        {
            await Task.Delay(TimeSpan.FromSeconds(at));
            await Postgres.RestartAsync();
            lastRestart.Restart();
            output.WriteLine($"PostgreSQL restarted after {load.Sent.Count:N0} requests");
        }
        await running;

        Assert.Contains(load.Sent, s => s.Status == 503);
        await AssertDurableAndExactAsync(cluster, load, lastRestart, "the last PostgreSQL restart");
    }

    private static async Task<LocalCluster> StartClusterAsync()
    {
        var cluster = new LocalCluster(Postgres, silos: 3);
        await cluster.CreateDatabaseAsync();
        await cluster.StartAsync();
        return cluster;
    }

    private async Task AssertDurableAndExactAsync(LocalCluster cluster, ElectionLoad load, Stopwatch since, string what)
    {
        var byStatus = load.Sent.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key)}: {g.Count():N0}");
        output.WriteLine($"requests by status: {string.Join(", ", byStatus)}");
        Assert.All(load.Sent, s => Assert.Contains(s.Status, new[] { 0, 200, 201, 503 }));
        Assert.Contains(load.Sent, s => s.Status == 201);
        Assert.Contains(load.Sent, s => s.Status == 200);

        await ClusterExactness.AssertAsync(cluster, load.Acknowledged, Slice, output, timing: (since, what));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashCollection
{
    public const string Name = "processes";

    /// <summary>The PostgreSQL these tests kill and restart: a server of their own, apart from the shared one.</summary>
    public static readonly PostgresServer Postgres = new(54339);
}
