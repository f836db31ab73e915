using System.Text.Json;
using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The viewers of a night run in the lean client, a process of their own, against the real embedded gateway: the
/// reading ones see the versions come in and end on the recount; the ones that stop reading are left out of those
/// figures and counted; the client's own cost is reported.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class LeanViewerRunTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Reading_viewers_end_on_the_recount_while_stalled_ones_are_left_out_and_counted()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("simulator-lean-viewers");
        var reportPath = Path.Combine(Repository.TestResults, $"lean-viewers-{Guid.NewGuid():N}.json");
        var parsed = OptionsParser.Parse(["night", "--speed", "20000", "--target", gateway.Address.ToString(), "--regions", "35.79",
            "--subscribers", "6", "--stalled-subscribers", "2", "--plain", "--settle", "60", "--report-json", reportPath]);
        Assert.Null(parsed.Error);
        var printed = new StringWriter();

        var outcome = await new SimulationRunner(parsed.Options!, printed, new PlainProgress(printed, TimeSpan.FromSeconds(2))).RunAsync(CancellationToken.None);
        log.WriteLine(printed.ToString());

        Assert.Equal(SimulationOutcome.Passed, outcome.ExitCode);
        Assert.Equal(6, outcome.Viewers);
        Assert.Empty(outcome.ViewerProblems);
        // Four reading viewers, each on Kota Batu and one district, village and TPS of it; every form they watched was seen.
        Assert.NotNull(outcome.Delivery);
        Assert.Equal(0, outcome.Delivery!.Unproven);
        Assert.True(outcome.Delivery.CaughtUp.All.TotalCount > 0);
        Assert.Empty(outcome.Delivery.Problems);
        Assert.Equal(2, outcome.Stalled!.Count);
        Assert.Equal(0, outcome.Stalled.ReadersDisconnected);
        Assert.True(outcome.ViewerClient!.CpuSeconds > 0);
        using var report = JsonDocument.Parse(await File.ReadAllBytesAsync(reportPath));
        var viewers = report.RootElement.GetProperty("viewers");
        Assert.Equal(2, viewers.GetProperty("stalled").GetInt32());
        Assert.Equal(outcome.ViewerClient.CpuSeconds, viewers.GetProperty("clientCpuSeconds").GetDouble());
        Assert.True(viewers.GetProperty("messages").GetInt64() > 0);
    }
}
