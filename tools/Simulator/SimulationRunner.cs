using System.Text.Json;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Live;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Photos;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Script;
using KpuOrleans.Simulator.Sending;
using KpuOrleans.Simulator.Throttling;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.Simulator.Viewers;

namespace KpuOrleans.Simulator;

/// <summary>
/// One run, start to end: write the night's script, open the viewers, send everything (night or flood) while the
/// progress display runs, then check the tallies and the viewers' last messages against the recount, measure delivery,
/// and print the report.
/// </summary>
internal sealed class SimulationRunner(SimulatorOptions options, TextWriter output, IProgressDisplay display)
{
    private static readonly TimeSpan CheckPause = TimeSpan.FromMilliseconds(250);

    private string _phase = "starting";

    public async Task<SimulationOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var registry = options.LoadRegistry();
        var slice = Slice(registry, options);
        var stats = new RunStats();
        var script = ElectionScript.Write(registry, slice.SelectMany(r => registry.TpsUnder(r.Code)).DistinctBy(t => t.Code), options.Seed, options.Mix,
            ArrivalCurve.For(registry), stats.TpsHasReported, options.PhotoPlan);
        stats.Plan(script.TpsCount, script.Races.Count, script.SubmissionCount);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency + 16 })
        {
            BaseAddress = options.Target,
            Timeout = options.RequestTimeout,
        };
        var throttle = new Throttle(stats);
        await ProbeAsync(http, throttle, registry, cancellationToken);

        await using var viewers = options.Subscribers > 0
            ? await ViewerProcess.StartAsync(options.Target, SubscriptionPlan.Draw(registry, slice, options.Subscribers, options.Seed),
                options.StalledSubscribers, stats, cancellationToken)
            : null;

        SubmissionQueue queue = options.Mode == RunMode.Night
            ? new NightQueue(script.Races, options.Speed)
            : new FloodQueue(script.Races, options.Seed);
        var officers = OfficerTokens.From(options.TokenKey ?? Environment.GetEnvironmentVariable("Auth__SigningKey"));
        var sender = new Sender(new ResultsClient(http, throttle, officers), queue, stats,
            new SenderSettings(options.Concurrency, options.Batch, options.Attempts, TimeSpan.FromSeconds(1)),
            new PhotoUploader(http, throttle, stats, officers, options.Attempts, TimeSpan.FromSeconds(1)), new DisputeFiler(http, throttle));

        using var stopDisplay = new CancellationTokenSource();
        var progress = display.RunAsync(() => Snapshot(stats, queue as NightQueue, viewers), stopDisplay.Token);
        CheckReport check;
        PhotoPresence? photos = null;
        IReadOnlyList<string> viewerProblems = [];
        Recount recount;
        ViewerClientCost? viewerCost = null;
        using var stopStalling = new CancellationTokenSource();
        var stalling = viewers is { Stalled: > 0 } ? StallAsync(viewers, stats, stopStalling.Token) : Task.CompletedTask;
        try
        {
            _phase = "sending";
            await sender.RunAsync(cancellationToken);
            await stopStalling.CancelAsync();
            await stalling;

            if (options.PhotoPlan.Any)
            {
                _phase = "checking every cited photo is stored";
                photos = await new PhotoPresenceCheck(http, throttle).CheckAsync(script.Races, cancellationToken);
            }

            _phase = "checking tallies";
            recount = Recount.Of(registry, script.Races);
            check = options.CheckDownTo is { } deepest
                ? await new TallyChecker(new ApiTallyReader(http, throttle), options.Settle, CheckPause)
                    .CheckAsync(TallyChecker.TargetsFor(registry, slice, deepest), recount, cancellationToken)
                : new CheckReport(0, [], 0);
            if (viewers is not null)
            {
                _phase = "waiting for the viewers' last messages";
                viewerProblems = await viewers.AwaitFinalStateAsync(registry, recount, options.Settle, cancellationToken);
                viewerCost = await viewers.StopAsync(cancellationToken);
            }
        }
        finally
        {
            await stopDisplay.CancelAsync();
            await progress;
        }

        var outcome = new SimulationOutcome(stats, check, script.Races.Count(r => r.Unresolved is not null),
            viewers?.ConnectionCount ?? 0, viewers?.MessagesReceived ?? 0, viewerProblems,
            viewers is null ? null : DeliveryAnalysis.Analyse(viewers.Logs, script.Races),
            viewers is not null ? new StalledViewers(viewers.Stalled, viewers.StalledDisconnected, viewers.ReadersDisconnected) : null,
            viewerCost, photos);
        FinalReport.Write(output, options, SliceName(slice), outcome);
        if (options.ReportJson is { } path) await JsonReport.WriteAsync(path, options, SliceName(slice), outcome, cancellationToken);
        return outcome;
    }

    /// <summary>The stalling viewers stop reading once a third of the forms has been sent (or when sending ends first).</summary>
    private static async Task StallAsync(ViewerProcess viewers, RunStats stats, CancellationToken sendingEnded)
    {
        try
        {
            while (stats.Sent * 3 < stats.SubmissionsTotal) await Task.Delay(TimeSpan.FromMilliseconds(100), sendingEnded);
        }
        catch (OperationCanceledException)
        {
            // Sending ended first: they stall now.
        }
        await viewers.StallAsync(CancellationToken.None);
    }

    /// <summary>The regions the run covers; one inside another counts once.</summary>
    internal static List<RegionInfo> Slice(RegionRegistry registry, SimulatorOptions options)
    {
        if (options.Regions.Count == 0) return [registry.Root];
        var regions = options.Regions
            .Select(code => registry.Find(code) ?? throw new ArgumentException($"--regions: '{code}' is not a region of the registry"))
            .DistinctBy(r => r.Code)
            .ToList();
        return [.. regions.Where(r => !regions.Any(o => o != r && RegionCode.Parse(r.Code).IsWithin(RegionCode.Parse(o.Code))))];
    }

    private static string SliceName(IReadOnlyList<RegionInfo> slice) =>
        slice is [{ Level: Level.Province or Level.Nation } root] ? $"the whole of {root.Name}" : $"regions {string.Join(",", slice.Select(r => r.Code))}";

    /// <summary>Fails fast, with a clear message, when the target is not a KpuOrleans gateway with this registry's races.</summary>
    private static async Task ProbeAsync(HttpClient http, Throttle throttle, RegionRegistry registry, CancellationToken cancellationToken)
    {
        HashSet<string> served;
        try
        {
            using var response = await throttle.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Get, "api/v1/contests"), ThrottledArea.Reads,
                cancellationToken);
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            served = [.. body.RootElement.EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException
                                   && !cancellationToken.IsCancellationRequested)
        {
            throw new TargetUnavailableException($"{http.BaseAddress} does not answer GET /api/v1/contests as a KpuOrleans gateway: {e.Message}");
        }
        var missing = registry.Contests.Select(c => c.Id).Where(id => !served.Contains(id)).ToList();
        if (missing.Count > 0)
            throw new TargetUnavailableException($"{http.BaseAddress} does not know the races {string.Join(", ", missing)}: it serves another registry");
    }

    private ProgressSnapshot Snapshot(RunStats stats, NightQueue? night, ViewerProcess? viewers)
    {
        var latency = stats.AcceptanceLatency.TotalCount > 0 ? stats.AcceptanceLatency.Copy() : null;
        return new ProgressSnapshot(
            _phase, stats.Elapsed,
            night is null ? null : ArrivalCurve.ClockOf(night.Now), night?.Behind ?? TimeSpan.Zero,
            stats.Sent, stats.Answered, stats.Accepted, stats.SubmissionsTotal, stats.TpsReported, stats.TpsTotal,
            latency?.GetValueAtPercentile(50) / 1000.0, latency?.GetValueAtPercentile(99) / 1000.0,
            new Dictionary<string, long>(stats.Errors), stats.Throttled, viewers?.ConnectionCount ?? 0, viewers?.MessagesReceived ?? 0);
    }
}

/// <summary>The target cannot be simulated against (not reachable, or another registry).</summary>
internal sealed class TargetUnavailableException(string message) : Exception(message);
