using System.Diagnostics;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// Issue 6's proof, run as Kubernetes would run it but as processes on loopback: silos scaled 2 → 4 → 2 and every silo
/// rolled, gracefully (SIGTERM), under steady submissions through two gateways and 200 live viewers; then one silo
/// SIGKILLed. `scripts/scaling-rehearsal.sh` runs this test alone and prints its figures.
/// </summary>
[Collection(CrashCollection.Name)]
public class ScalingRehearsalTests(ITestOutputHelper output)
{
    private static readonly string[] FirstSlice = ["35.79", "35.76"];
    private static readonly string[] LaterSlice = ["35.75", "35.77"];
    private const int Viewers = 200;

    [Fact]
    public async Task Scaling_silos_in_and_out_and_rolling_them_fails_no_request_and_every_tally_ends_exact()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = new LocalCluster(CrashCollection.Postgres, silos: 2, gateways: 2, Manifests.ProcessEnvironment());
        await cluster.CreateDatabaseAsync();
        await cluster.StartAsync();
        var timeline = new Timeline(output, clock);
        timeline.Say($"PostgreSQL, {cluster.Silos.Count} silos and {cluster.GatewayAddresses.Count} gateways running");

        await using var viewers = await LiveViewers.ConnectAsync(cluster.GatewayAddresses, Viewers, [.. FirstSlice, .. LaterSlice]);
        timeline.Say($"{Viewers} viewers subscribed over both gateways to {viewers.Regions.Count} regions");

        using var stop = new CancellationTokenSource();
        var loads = new List<(ElectionLoad Load, Task Running)>();
        void StartLoad(string[] slice, int seed)
        {
            for (var g = 0; g < cluster.GatewayAddresses.Count; g++)
            {
                // Each gateway takes one regency of the slice, so that two officers never send the same TPS's form.
                var load = new ElectionLoad(cluster.Http, cluster.GatewayAddresses[g], Jatim.Registry, [slice[g]], seed + g, cluster.Officers);
                loads.Add((load, load.RunAsync(TimeSpan.FromMinutes(10), concurrency: 3, stop.Token)));
            }
        }
        StartLoad(FirstSlice, seed: 70);

        await timeline.PhaseAsync("2 silos", TimeSpan.FromSeconds(12));
        await PrintActivationsAsync(cluster, timeline);

        var original = cluster.Silos.ToArray();
        foreach (var _ in original) timeline.Say($"scale out: {(await cluster.AddSiloAsync()).Name} joined");
        var added = cluster.Silos.Except(original).ToArray();
        var laterLoadStart = DateTime.UtcNow;
        StartLoad(LaterSlice, seed: 80); // results from more regencies come in: their grains activate on all four silos
        await timeline.PhaseAsync("4 silos", TimeSpan.FromSeconds(15));
        var afterScaleOut = await PrintActivationsAsync(cluster, timeline);
        foreach (var silo in added)
            Assert.True(afterScaleOut[silo.Name].GetValueOrDefault("tps") > 0, $"{silo.Name} took no TPS activation after it joined");

        timeline.Begin("scale in");
        foreach (var silo in original)
            timeline.Say($"scale in: {silo.Name} left gracefully in {(await cluster.StopSiloAsync(silo)).TotalSeconds:N1} s (SIGTERM)");
        await timeline.PhaseAsync("2 silos again", TimeSpan.FromSeconds(8));
        await PrintActivationsAsync(cluster, timeline);

        timeline.Begin("rolling update");
        foreach (var old in cluster.Silos.ToArray())
        {
            // maxSurge 1, maxUnavailable 0: the new pod first, ready, then the old one goes.
            var replacement = await cluster.AddSiloAsync();
            await WaitReadyAsync(cluster, replacement);
            timeline.Say($"rolling: {replacement.Name} ready; {old.Name} left gracefully in {(await cluster.StopSiloAsync(old)).TotalSeconds:N1} s");
        }
        await timeline.PhaseAsync("rolled", TimeSpan.FromSeconds(8));
        await PrintActivationsAsync(cluster, timeline);

        var victim = cluster.Silos[0];
        var killedAt = DateTime.UtcNow;
        await cluster.KillSiloAsync(victim);
        timeline.Say($"SIGKILL {victim.Name}; a replacement starts as Kubernetes would start a new pod");
        timeline.Begin("after the SIGKILL");
        var replacementAfterKill = await cluster.AddSiloAsync();
        await WaitReadyAsync(cluster, replacementAfterKill);
        await timeline.PhaseAsync("after the SIGKILL", TimeSpan.FromSeconds(15));
        await AssertLiveMetricsAsync(cluster, timeline);
        await stop.CancelAsync();
        await Task.WhenAll(loads.Select(l => l.Running));
        timeline.Say("load stopped");

        var sent = loads.SelectMany(l => l.Load.Sent).ToList();
        timeline.PrintRequests(sent, killedAt);
        // Graceful scaling and rolling must fail nothing: every request answered before the SIGKILL is acknowledged.
        // Those in flight at the kill may fail; the officers' retries are what the SIGKILL is allowed to cost.
        var beforeKill = sent.Where(s => s.Answered < killedAt).ToList();
        foreach (var failed in sent.Where(s => s.At < killedAt && s.Status is not (200 or 201)))
            timeline.Say($"not acknowledged: {failed.Form.Tps} {failed.Form.Contest} v{failed.Form.Version} sent {failed.At:HH:mm:ss.fff}, answered {failed.Answered:HH:mm:ss.fff}: {failed.Status}");
        Assert.True(beforeKill.Count > 1000, $"only {beforeKill.Count} requests before the SIGKILL");
        Assert.All(beforeKill, s => Assert.True(s.Status is 200 or 201,
            $"{s.Form.Tps} {s.Form.Contest} v{s.Form.Version} got {(s.Status == 0 ? "no answer" : s.Status)} at {s.Answered:HH:mm:ss.fff}, during graceful scaling"));
        Assert.All(sent, s => Assert.Contains(s.Status, new[] { 0, 200, 201, 503 }));

        viewers.PrintAndAssertUpdates(timeline, (region, phaseStart) =>
            phaseStart >= laterLoadStart || !LaterSlice.Any(r => region == r || region.StartsWith(r + ".", StringComparison.Ordinal)),
            longEnough: TimeSpan.FromSeconds(8));
        // Printed, not asserted (no timing in tests): a node leaving gracefully tells its watchers, who watch it again at
        // once (HandoverTests proves that without a clock); a SIGKILL tells nobody, so renewal and failure detection
        // bound the silence after it.
        timeline.Say($"longest silence of any viewer: {viewers.LongestSilence(laterLoadStart, killedAt).TotalSeconds:N1} s while scaling and rolling, " +
            $"{viewers.LongestSilence(killedAt, timeline.End!.Value).TotalSeconds:N1} s after the SIGKILL");
        await ClusterExactness.AssertAsync(cluster, loads.SelectMany(l => l.Load.Acknowledged), [.. FirstSlice, .. LaterSlice], output, viewers);
        timeline.Say("every tally and every viewer's last message exact; verify OK");
    }

    private static async Task<Dictionary<string, Dictionary<string, long>>> PrintActivationsAsync(LocalCluster cluster, Timeline timeline)
    {
        var bySilo = new Dictionary<string, Dictionary<string, long>>();
        foreach (var silo in cluster.Silos) bySilo[silo.Name] = await cluster.ActivationsAsync(silo);
        timeline.Say("activations per silo: " + string.Join("; ", bySilo.Select(s =>
            $"{s.Key} {s.Value.Values.Sum():N0} ({string.Join(", ", s.Value.OrderBy(t => t.Key).Select(t => $"{t.Key} {t.Value:N0}"))})")));
        return bySilo;
    }

    /// <summary>What an operator's Prometheus would see now, under load: every process's own figures, live.</summary>
    private static async Task AssertLiveMetricsAsync(LocalCluster cluster, Timeline timeline)
    {
        foreach (var gateway in cluster.GatewayAddresses)
        {
            var metrics = await PrometheusScrape.ScrapeAsync(cluster.Http, cluster.ManagementOf(gateway));
            timeline.Say($"gateway {gateway.Port} /metrics: forms accepted {metrics.Sum("kpu_forms_accepted_total"):N0}, " +
                $"acceptance latency samples {metrics.Sum("kpu_forms_acceptance_duration_seconds_count"):N0}, " +
                $"live subscriptions {metrics.Sum("kpu_live_subscriptions"):N0}, SignalR connections {metrics.Sum("signalr_server_active_connections"):N0}");
            Assert.True(metrics.Sum("kpu_forms_accepted_total") > 0, $"gateway {gateway}: no accepted forms in /metrics");
            Assert.True(metrics.Sum("kpu_forms_acceptance_duration_seconds_count") > 0, $"gateway {gateway}: no acceptance latency in /metrics");
            Assert.Equal(Viewers / cluster.GatewayAddresses.Count, metrics.Sum("kpu_live_subscriptions"));
            Assert.True(metrics.Sum("signalr_server_active_connections") >= Viewers / cluster.GatewayAddresses.Count);
            Assert.Contains(metrics.Samples, m => m.Name.StartsWith("orleans_", StringComparison.Ordinal));
        }
        double batches = 0, reports = 0;
        foreach (var silo in cluster.Silos)
        {
            var metrics = await cluster.ScrapeAsync(silo);
            batches += metrics.Sum("kpu_ledger_batch_size_count");
            reports += metrics.Sum("kpu_region_reports_total");
            timeline.Say($"{silo.Name} /metrics: ledger batches {metrics.Sum("kpu_ledger_batch_size_count"):N0} " +
                $"({metrics.Sum("kpu_ledger_batch_size_sum") / Math.Max(1, metrics.Sum("kpu_ledger_batch_size_count")):N1} forms each, " +
                $"commit {1000 * metrics.Sum("kpu_ledger_commit_duration_seconds_sum") / Math.Max(1, metrics.Sum("kpu_ledger_commit_duration_seconds_count")):N1} ms on average), " +
                $"reports by level {string.Join(", ", metrics.Series("kpu_region_reports_total").Select(r => $"{r.Labels.GetValueOrDefault("level")} {r.Value:N0}"))}");
        }
        Assert.True(batches > 0, "no silo shows ledger batches in /metrics");
        Assert.True(reports > 0, "no silo shows region reports in /metrics");
    }

    private static Task WaitReadyAsync(LocalCluster cluster, KpuProcess silo) =>
        Eventually.HoldsAsync(async () =>
        {
            try
            {
                using var response = await cluster.Http.GetAsync(new Uri(cluster.HttpOf(silo), "/health/ready"));
                return (response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException e)
            {
                return (false, e.Message);
            }
        }, TimeSpan.FromSeconds(90), $"{silo.Name} answers ready");
}
