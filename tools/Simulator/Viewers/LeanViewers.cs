namespace KpuOrleans.Simulator.Viewers;

/// <summary>What one viewer follows, and whether it is one of those that stop reading mid-run.</summary>
internal sealed record ViewerPlan(IReadOnlyList<(string Contest, string Region)> Tallies, bool Stalls);

/// <summary>
/// The crowd of lean viewers (<see cref="LeanViewer"/>): connected a few at a time, pinged every 15 s by one loop,
/// each reading on its own asynchronously, so that thousands cost a handful of threads.
/// </summary>
internal sealed class LeanViewers : IAsyncDisposable
{
    /// <summary>Half the server's 30 s client timeout, as SignalR's own clients do.</summary>
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    private const int ConnectingAtOnce = 16;

    private readonly List<LeanViewer> _viewers;
    private readonly CancellationTokenSource _stop = new();
    private Task _pinging = Task.CompletedTask;
    private long _throttled;
    private int _connected;

    public LeanViewers(IReadOnlyList<ViewerPlan> plan) =>
        _viewers = [.. plan.Select((p, i) => new LeanViewer(i, [.. p.Tallies.Distinct().Select(t => new ViewedTally(t.Contest, t.Region))], p.Stalls))];

    public IReadOnlyList<LeanViewer> Viewers => _viewers;

    public int Connected => Volatile.Read(ref _connected);

    public long Messages => _viewers.Sum(v => v.Messages);

    /// <summary>429s answered to a connect, each waited out.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Opens and subscribes every viewer; throws <see cref="ViewerRefusedException"/> for the first the gateway would not take.</summary>
    public async Task ConnectAsync(Uri target, TimeSpan patience, CancellationToken cancellationToken)
    {
        var hub = HubAddress(target);
        await Parallel.ForEachAsync(_viewers, new ParallelOptions { MaxDegreeOfParallelism = ConnectingAtOnce, CancellationToken = cancellationToken },
            async (viewer, token) =>
            {
                try
                {
                    await viewer.ConnectAsync(hub, () => Interlocked.Increment(ref _throttled), patience, token);
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException)
                {
                    throw new ViewerRefusedException($"viewer {viewer.Index:N0} of {_viewers.Count:N0} could not connect to {hub}: {e.Message}");
                }
                Interlocked.Increment(ref _connected);
            });
        _pinging = PingAsync(_stop.Token);
    }

    /// <summary><c>ws://host/hubs/tally</c> from the gateway's http(s) address.</summary>
    public static Uri HubAddress(Uri target) =>
        new UriBuilder(new Uri(target, "hubs/tally")) { Scheme = target.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;

    /// <summary>The viewers planned to stall stop reading now; returns how many.</summary>
    public int StopTheStalledReading()
    {
        var stalled = _viewers.Where(v => v.Stalls).ToList();
        foreach (var viewer in stalled) viewer.StopReading();
        return stalled.Count;
    }

    /// <summary>
    /// Waits until every tally of every reading viewer shows its expected version (the recount's), for at most
    /// <paramref name="settle"/>; returns how many still do not.
    /// </summary>
    public async Task<int> AwaitVersionsAsync(IReadOnlyDictionary<(string Contest, string Region), long> expected, TimeSpan settle,
        CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + settle;
        while (true)
        {
            var differing = _viewers.Where(v => !v.Stalls)
                .Sum(v => v.Tallies.Count(t => t.LastVersion != expected.GetValueOrDefault((t.ContestId, t.RegionCode), -1)));
            if (differing == 0 || DateTime.UtcNow >= deadline) return differing;
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    /// <summary>
    /// Whether the gateway has dropped the stalled viewers: they read nothing, so only a send can tell; a closed
    /// socket fails the second one at the latest (the first may still leave before the peer's reset comes back).
    /// </summary>
    public async Task ProbeStalledAsync()
    {
        for (var round = 0; round < 2; round++)
        {
            await Task.WhenAll(_viewers.Where(v => v.Stalls).Select(v => v.PingAsync()));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PingInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                foreach (var viewer in _viewers) _ = viewer.PingAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pinging;
        foreach (var viewer in _viewers) await viewer.DisposeAsync();
        _stop.Dispose();
    }
}
