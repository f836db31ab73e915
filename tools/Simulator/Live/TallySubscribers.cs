using System.Text.Json;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Throttling;
using Microsoft.AspNetCore.SignalR.Client;

namespace KpuOrleans.Simulator.Live;

/// <summary>
/// Viewers of the results page: SignalR connections to <c>/hubs/tally</c> (JSON protocol), each following a few
/// tallies with <c>Subscribe(contest, code)</c> and logging every <c>tally</c> message with its arrival time.
/// </summary>
internal sealed class TallySubscribers : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private readonly List<SubscriptionLog> _logs = [];
    private readonly Throttle _throttle;
    private long _messages;

    private TallySubscribers(Throttle throttle) => _throttle = throttle;

    public IReadOnlyList<SubscriptionLog> Logs => _logs;

    public int ConnectionCount => _connections.Count;

    public long MessagesReceived => Interlocked.Read(ref _messages);

    /// <summary>Opens one connection per plan entry and subscribes it to the entry's tallies.</summary>
    public static async Task<TallySubscribers> ConnectAsync(Uri target, IReadOnlyList<IReadOnlyList<TallyTarget>> plan, Throttle throttle,
        CancellationToken cancellationToken)
    {
        var subscribers = new TallySubscribers(throttle);
        var hub = new Uri(target, "hubs/tally");
        try
        {
            for (var i = 0; i < plan.Count; i++) await subscribers.OpenAsync(hub, i, plan[i], cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var opened = subscribers.ConnectionCount;
            await subscribers.DisposeAsync();
            // A gateway that stops answering while viewers connect ends the run with a clear message, not a crash.
            throw new TargetUnavailableException($"viewer {opened:N0} of {plan.Count:N0} could not connect to {hub}: {e.Message}");
        }
        catch
        {
            await subscribers.DisposeAsync();
            throw;
        }
        return subscribers;
    }

    private async Task OpenAsync(Uri hub, int index, IReadOnlyList<TallyTarget> targets, CancellationToken cancellationToken)
    {
        var watch = new RetryAfterWatch();
        var connection = new HubConnectionBuilder().WithUrl(hub, http => http.HttpMessageHandlerFactory = watch.Around).Build();
        _connections.Add(connection);
        var logs = targets.Distinct().ToDictionary(t => (t.Contest.Id, t.Region.Code), t => new SubscriptionLog(t, index, DateTime.UtcNow));
        connection.On<JsonElement>("tally", tally =>
        {
            var received = DateTime.UtcNow;
            var key = (tally.GetProperty("contest").GetString()!, tally.GetProperty("region").GetString()!);
            if (!logs.TryGetValue(key, out var log)) return;
            Interlocked.Increment(ref _messages);
            log.Add(Message(tally, received));
        });
        // Over this address's connection limit the hub answers 429: wait as told and connect again.
        await _throttle.StartAsync(connection, watch, cancellationToken);
        foreach (var log in logs.Values)
        {
            var snapshot = await connection.InvokeAsync<JsonElement>("Subscribe", log.Target.Contest.Id, log.Target.Region.Code, cancellationToken);
            log.Add(Message(snapshot, DateTime.UtcNow));
            lock (_logs) _logs.Add(log);
        }
    }

    private static TallyMessage Message(JsonElement tally, DateTime received)
    {
        var updatedAt = tally.TryGetProperty("updatedAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : (DateTimeOffset?)null;
        return new TallyMessage(ApiTallyReader.Parse(tally), updatedAt, received);
    }

    /// <summary>
    /// Waits until every subscription's last message equals the recount (API.md: updates always end on the latest
    /// state), for at most <paramref name="settle"/>. Returns what still differs.
    /// </summary>
    public async Task<IReadOnlyList<string>> AwaitFinalStateAsync(Recount recount, TimeSpan settle, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + settle;
        while (true)
        {
            var problems = new List<string>();
            foreach (var log in _logs)
            {
                var expected = recount.Expected(log.Target.Contest, log.Target.Region.Code);
                var differences = log.Last is { } last ? expected.DifferencesFrom(last.Tally.Figures, log.Target.Contest) : ["no message at all"];
                if (differences.Count > 0)
                    problems.Add($"viewer {log.Connection} of {log.Target}: the last tally message differs from the recount: {string.Join("; ", differences)}");
            }
            if (problems.Count == 0 || DateTime.UtcNow >= deadline) return problems;
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception)
            {
                // Closing a viewer that is already gone is not a finding.
            }
        }
        _connections.Clear();
    }
}
