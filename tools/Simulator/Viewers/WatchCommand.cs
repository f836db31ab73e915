using System.Diagnostics;
using System.Globalization;

namespace KpuOrleans.Simulator.Viewers;

/// <summary>
/// <c>watch</c>: the viewer client as its own process, so that its CPU is its own and not the gateway's or the
/// sender's. A night with <c>--subscribers</c> starts it and drives it by lines (<see cref="ViewerProcess"/> is the
/// other end):
/// <list type="bullet">
/// <item>in (stdin): <c>viewer &lt;0|1 stalls&gt; &lt;contest&gt; &lt;region&gt;…</c> per viewer, then <c>connect</c>;
/// later <c>stall</c>; <c>expect &lt;contest&gt; &lt;region&gt; &lt;version&gt;</c>… then <c>settle &lt;seconds&gt;</c>;
/// <c>dump &lt;file&gt;</c>; <c>quit</c> (or end of input);</item>
/// <item>out (stdout): <c>progress &lt;connected&gt; &lt;messages&gt; &lt;throttled&gt;</c> every second;
/// <c>ready &lt;connected&gt; &lt;throttled&gt;</c> or <c>failed &lt;why&gt;</c>; <c>stalled &lt;n&gt;</c>; <c>settled &lt;differing&gt;</c>;
/// <c>dumped</c>; and last <c>bye &lt;CPU seconds&gt; &lt;peak memory MiB&gt;</c>.</item>
/// </list>
/// </summary>
internal static class WatchCommand
{
    public static async Task<int> RunAsync(Uri target, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var plan = new List<ViewerPlan>();
        var expected = new Dictionary<(string, string), long>();
        LeanViewers? viewers = null;
        var gate = new object();
        void Say(string line)
        {
            lock (gate) output.WriteLine(line);
        }
        using var stopProgress = new CancellationTokenSource();
        var progress = ProgressAsync(() => viewers, Say, stopProgress.Token);
        var lines = Lines(input);
        try
        {
            while (await lines.WaitToReadAsync(cancellationToken))
            {
                var line = await lines.ReadAsync(cancellationToken);
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                switch (words)
                {
                    case ["viewer", var stalls, .. var pairs] when pairs.Length % 2 == 0:
                        plan.Add(new ViewerPlan([.. pairs.Chunk(2).Select(p => (p[0], p[1]))], stalls == "1"));
                        break;
                    case ["connect"]:
                        try
                        {
                            viewers = new LeanViewers(plan);
                            await viewers.ConnectAsync(target, TimeSpan.FromMinutes(5), cancellationToken);
                            Say($"ready {viewers.Connected} {viewers.Throttled}");
                        }
                        catch (ViewerRefusedException e)
                        {
                            Say($"failed {OneLine(e.Message)}");
                        }
                        break;
                    case ["stall"]:
                        Say($"stalled {viewers?.StopTheStalledReading() ?? 0}");
                        break;
                    case ["expect", var contest, var region, var version]:
                        expected[(contest, region)] = long.Parse(version, CultureInfo.InvariantCulture);
                        break;
                    case ["settle", var seconds]:
                        var differing = viewers is null ? 0
                            : await viewers.AwaitVersionsAsync(expected, TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)), cancellationToken);
                        Say($"settled {differing}");
                        break;
                    case ["dump", var path]:
                        if (viewers is not null)
                        {
                            await viewers.ProbeStalledAsync();
                            await using var file = File.Create(path);
                            ViewerDump.Write(file, viewers.Viewers);
                        }
                        Say("dumped");
                        break;
                    case ["quit"]:
                        return await ByeAsync();
                    default:
                        Say($"failed unknown instruction '{OneLine(line)}'");
                        break;
                }
            }
            return await ByeAsync();
        }
        finally
        {
            await stopProgress.CancelAsync();
            await progress;
            if (viewers is not null) await viewers.DisposeAsync();
        }

        async Task<int> ByeAsync()
        {
            await stopProgress.CancelAsync();
            await progress;
            if (viewers is not null) await viewers.DisposeAsync();
            viewers = null;
            using var self = Process.GetCurrentProcess();
            Say(string.Create(CultureInfo.InvariantCulture, $"bye {self.TotalProcessorTime.TotalSeconds:0.00} {self.PeakWorkingSet64 / 1048576.0:0.0}"));
            return 0;
        }
    }

    /// <summary>
    /// The instructions, read on a thread of their own: reading the console blocks whatever thread asks, and a pool
    /// thread held all night would be one of the client's few.
    /// </summary>
    private static System.Threading.Channels.ChannelReader<string> Lines(TextReader input)
    {
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var reader = new Thread(() =>
        {
            try
            {
                while (input.ReadLine() is { } line) lines.Writer.TryWrite(line);
            }
            finally
            {
                lines.Writer.TryComplete();
            }
        }) { IsBackground = true, Name = "watch instructions" };
        reader.Start();
        return lines.Reader;
    }

    private static async Task ProgressAsync(Func<LeanViewers?> viewers, Action<string> say, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (viewers() is { } live) say($"progress {live.Connected} {live.Messages} {live.Throttled}");
            }
        }
        catch (OperationCanceledException)
        {
            // Done.
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
