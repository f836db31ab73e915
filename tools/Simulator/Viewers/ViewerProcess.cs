using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.Simulator.Live;
using KpuOrleans.Simulator.Sending;
using KpuOrleans.Simulator.Throttling;

namespace KpuOrleans.Simulator.Viewers;

/// <summary>What the viewer client cost its own process.</summary>
internal sealed record ViewerClientCost(double CpuSeconds, double PeakMemoryMiB);

/// <summary>
/// The night's end of the viewer client: starts <c>watch</c> (this same program) as a child process, hands it the
/// plan, and drives it through the night by the line protocol of <see cref="WatchCommand"/>; at the end takes its
/// logs for the delivery analysis and the comparison of every viewer's last message with the recount.
/// </summary>
internal sealed class ViewerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _answers = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _errors = new();
    private readonly RunStats _stats;
    private readonly Task _reading;
    private readonly IReadOnlyList<IReadOnlyList<TallyTarget>> _plan;
    private readonly HashSet<int> _stalling;
    private int _connected;
    private long _messages;
    private long _throttled;

    private ViewerProcess(Process process, IReadOnlyList<IReadOnlyList<TallyTarget>> plan, int stalled, RunStats stats)
    {
        _process = process;
        _plan = plan;
        _stats = stats;
        // The last ones stall: the plan draws every viewer's regions at random anyway.
        _stalling = [.. Enumerable.Range(plan.Count - stalled, stalled)];
        _reading = ReadAsync();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (_errors) if (e.Data is { } line && _errors.Length < 4000) _errors.AppendLine(line);
        };
        process.BeginErrorReadLine();
    }

    public int ConnectionCount => Volatile.Read(ref _connected);

    public long MessagesReceived => Interlocked.Read(ref _messages);

    public int Stalled => _stalling.Count;

    /// <summary>The reading viewers' subscriptions, once <see cref="AwaitFinalStateAsync"/> has taken the logs.</summary>
    public IReadOnlyList<SubscriptionLog> Logs { get; private set; } = [];

    /// <summary>Stalled viewers the gateway had disconnected by the end.</summary>
    public int StalledDisconnected { get; private set; }

    /// <summary>Reading viewers whose connection was closed before the end.</summary>
    public int ReadersDisconnected { get; private set; }

    /// <summary>Starts the client and connects every viewer of <paramref name="plan"/>, the last <paramref name="stalled"/> of them to stall later.</summary>
    public static async Task<ViewerProcess> StartAsync(Uri target, IReadOnlyList<IReadOnlyList<TallyTarget>> plan, int stalled, RunStats stats,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false), StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in (string[])[typeof(ViewerProcess).Assembly.Location, "watch", "--target", target.ToString()]) start.ArgumentList.Add(argument);
        // A client with thousands of sockets and little work per message: the workstation collector is the leaner one.
        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the viewer client did not start");
        var viewers = new ViewerProcess(process, plan, stalled, stats);
        try
        {
            var input = process.StandardInput;
            for (var i = 0; i < plan.Count; i++)
                await input.WriteLineAsync($"viewer {(viewers._stalling.Contains(i) ? 1 : 0)} {string.Join(' ', plan[i].Select(t => $"{t.Contest.Id} {t.Region.Code}"))}");
            await input.WriteLineAsync("connect");
            await input.FlushAsync(cancellationToken);
            var answer = await viewers.AnswerAsync("ready", cancellationToken);
            if (answer.StartsWith("failed ", StringComparison.Ordinal)) throw new TargetUnavailableException(answer["failed ".Length..]);
            return viewers;
        }
        catch
        {
            await viewers.DisposeAsync();
            throw;
        }
    }

    /// <summary>The host that runs this program's dll: the one running now when it is <c>dotnet</c>.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";

    /// <summary>The stalling viewers stop reading their sockets, for good.</summary>
    public async Task StallAsync(CancellationToken cancellationToken)
    {
        await SendAsync("stall", cancellationToken);
        await AnswerAsync("stalled", cancellationToken);
    }

    /// <summary>
    /// Waits until every reading viewer's last message shows the recount's version (API.md: updates always end on the
    /// latest state), for at most <paramref name="settle"/>; then takes the logs and compares every figure of those
    /// last messages with the recount. Returns what differs. Stalled viewers are left out: they read nothing.
    /// </summary>
    public async Task<IReadOnlyList<string>> AwaitFinalStateAsync(RegionRegistry registry, Recount recount, TimeSpan settle, CancellationToken cancellationToken)
    {
        var targets = _plan.Where((_, i) => !_stalling.Contains(i)).SelectMany(t => t).Distinct();
        foreach (var target in targets)
            await _process.StandardInput.WriteLineAsync($"expect {target.Contest.Id} {target.Region.Code} {recount.Expected(target.Contest, target.Region.Code).Version}");
        await SendAsync(string.Create(CultureInfo.InvariantCulture, $"settle {settle.TotalSeconds}"), cancellationToken);
        await AnswerAsync("settled", cancellationToken);

        var path = Path.Combine(Path.GetTempPath(), $"kpu-viewers-{Environment.ProcessId}-{Guid.NewGuid():N}.bin");
        try
        {
            await SendAsync($"dump {path}", cancellationToken);
            await AnswerAsync("dumped", cancellationToken);
            await using var file = File.OpenRead(path);
            return Take(ViewerDump.Read(file), registry, recount);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private List<string> Take(List<DumpedTally> dumped, RegionRegistry registry, Recount recount)
    {
        var problems = new List<string>();
        var logs = new List<SubscriptionLog>();
        StalledDisconnected = dumped.Where(d => d.Stalls && d.ClosedBecause is not null).Select(d => d.Viewer).Distinct().Count();
        ReadersDisconnected = dumped.Where(d => !d.Stalls && d.ClosedBecause is not null).Select(d => d.Viewer).Distinct().Count();
        foreach (var tally in dumped.Where(d => !d.Stalls))
        {
            var target = new TallyTarget(registry.Contests.Single(c => c.Id == tally.Contest), registry.Get(tally.Region));
            var log = new SubscriptionLog(target, tally.Viewer, tally.SubscribedAt, [.. tally.Arrivals]);
            log.LastTally = tally.LastRecord.Length == 0 ? null : LastTally(tally.LastRecord);
            logs.Add(log);
            var expected = recount.Expected(target.Contest, target.Region.Code);
            var differences = log.LastTally is { } last ? expected.DifferencesFrom(last.Figures, target.Contest) : ["no message at all"];
            if (differences.Count > 0)
                problems.Add($"viewer {tally.Viewer} of {target}: the last tally message differs from the recount: {string.Join("; ", differences)}" +
                             (tally.ClosedBecause is { } why ? $" (its connection ended: {why})" : ""));
        }
        Logs = logs;
        return problems;
    }

    /// <summary>The tally a hub record carries: a <c>tally</c> invocation's argument, or a Subscribe's result.</summary>
    private static ObservedTally LastTally(byte[] record)
    {
        using var json = JsonDocument.Parse(record);
        var root = json.RootElement;
        return ApiTallyReader.Parse(root.TryGetProperty("arguments", out var arguments) ? arguments[0] : root.GetProperty("result"));
    }

    /// <summary>Ends the client (closing every viewer) and returns what it cost; null when it had already gone.</summary>
    public async Task<ViewerClientCost?> StopAsync(CancellationToken cancellationToken)
    {
        if (_process.HasExited) return null;
        await SendAsync("quit", cancellationToken);
        var bye = await AnswerAsync("bye", cancellationToken);
        await _process.WaitForExitAsync(cancellationToken);
        var words = bye.Split(' ');
        return words is ["bye", var cpu, var memory]
            ? new ViewerClientCost(double.Parse(cpu, CultureInfo.InvariantCulture), double.Parse(memory, CultureInfo.InvariantCulture))
            : null;
    }

    private async Task SendAsync(string line, CancellationToken cancellationToken)
    {
        await _process.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
    }

    /// <summary>The next answer, which must be <paramref name="expected"/> (or <c>failed</c>); the client's death is an error.</summary>
    private async Task<string> AnswerAsync(string expected, CancellationToken cancellationToken)
    {
        if (!await _answers.Reader.WaitToReadAsync(cancellationToken))
        {
            string errors;
            lock (_errors) errors = _errors.ToString().Trim();
            throw new TargetUnavailableException($"the viewer client ended while the run waited for '{expected}': {(errors.Length > 0 ? errors : "no message")}");
        }
        var answer = await _answers.Reader.ReadAsync(cancellationToken);
        if (answer.StartsWith(expected, StringComparison.Ordinal) || answer.StartsWith("failed ", StringComparison.Ordinal)) return answer;
        throw new InvalidOperationException($"the viewer client answered '{answer}' where '{expected}' was due");
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Split(' ') is ["progress", var connected, var messages, var throttled])
            {
                Volatile.Write(ref _connected, int.Parse(connected, CultureInfo.InvariantCulture));
                Interlocked.Exchange(ref _messages, long.Parse(messages, CultureInfo.InvariantCulture));
                CountThrottled(throttled);
                continue;
            }
            if (line.Split(' ') is ["ready", var ready, var refused])
            {
                Volatile.Write(ref _connected, int.Parse(ready, CultureInfo.InvariantCulture));
                CountThrottled(refused);
            }
            await _answers.Writer.WriteAsync(line);
        }
        _answers.Writer.TryComplete();
    }

    /// <summary>The client's running count of 429s, into the run's.</summary>
    private void CountThrottled(string total)
    {
        for (var count = long.Parse(total, CultureInfo.InvariantCulture); _throttled < count; _throttled++) _stats.WasThrottled(ThrottledArea.Viewers);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        try { await _reading; } catch (Exception) { /* the client's output ends with it */ }
        _process.Dispose();
    }
}
