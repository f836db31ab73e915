using Spectre.Console;

namespace KpuOrleans.Simulator.Display;

/// <summary>The live terminal view (Spectre.Console), redrawn four times a second.</summary>
internal sealed class LiveProgress(IAnsiConsole console) : IProgressDisplay
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    /// <summary>Whether a live view can be drawn here: a terminal that takes cursor movement.</summary>
    public static bool Supported => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public async Task RunAsync(Func<ProgressSnapshot> read, CancellationToken stop)
    {
        var rate = new RateMeter();
        await console.Live(Render(read(), 0)).AutoClear(false).StartAsync(async context =>
        {
            using var timer = new PeriodicTimer(Refresh);
            try
            {
                while (await timer.WaitForNextTickAsync(stop))
                {
                    var snapshot = read();
                    context.UpdateTarget(Render(snapshot, rate.Next(snapshot)));
                }
            }
            catch (OperationCanceledException)
            {
            }
            var last = read();
            context.UpdateTarget(Render(last, rate.Next(last)));
        });
    }

    private static Table Render(ProgressSnapshot s, double rate)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]KpuOrleans simulator[/] — {Markup.Escape(s.Phase)}")
            .AddColumn("").AddColumn("");
        table.HideHeaders();
        table.AddRow("elapsed", $"{s.Elapsed:hh\\:mm\\:ss}");
        if (s.NightClock is not null)
        {
            var behind = s.Behind > TimeSpan.FromMinutes(1) ? $" [yellow]({s.Behind.TotalMinutes:N0} min behind the script)[/]" : "";
            table.AddRow("night clock", Markup.Escape(s.NightClock) + behind);
        }
        table.AddRow("forms sent", $"{s.Sent:N0} of {s.SubmissionsTotal:N0}");
        table.AddRow("answered", $"{s.Answered:N0}  [bold]{rate:N0}/s[/]");
        table.AddRow("accepted (201)", $"{s.Accepted:N0}");
        table.AddRow("TPS reported", $"{Bar(s.TpsShare)} {s.TpsShare:P1} ({s.TpsReported:N0} of {s.TpsTotal:N0})");
        if (s.LatencyP50Ms is not null) table.AddRow("201 latency", $"p50 {s.LatencyP50Ms:N1} ms, p99 {s.LatencyP99Ms:N1} ms");
        table.AddRow("errors", s.Errors.Count == 0 ? "[green]none[/]" : $"[red]{Markup.Escape(s.ErrorsText)}[/]");
        if (s.Throttled > 0) table.AddRow("throttled (429)", $"[yellow]{s.Throttled:N0}[/] requests sent again after Retry-After");
        if (s.Viewers > 0) table.AddRow("viewers", $"{s.Viewers:N0} connections, {s.ViewerMessages:N0} tally messages");
        return table;
    }

    private static string Bar(double share)
    {
        const int width = 30;
        var filled = (int)Math.Round(Math.Clamp(share, 0, 1) * width);
        return $"[green]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/]";
    }
}
