using KpuOrleans.Simulator.Viewers;
using KpuOrleans.TestKit;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The lean client notices a connection the gateway ends, whether the viewer still reads (the close arrives) or has
/// stopped reading (only a send can tell): that is how a run counts the stalled viewers the gateway dropped.
/// </summary>
public class LeanViewersTests
{
    [Fact]
    public async Task Viewers_reading_or_stalled_are_seen_closed_once_the_gateway_ends_them()
    {
        var gateway = await ThrottlingGateway.StartAsync();
        var region = Jatim.Registry.Get("35.79.01.1001");
        var tally = (region.Contests[0].Id, region.Code);
        await using var viewers = new LeanViewers([new ViewerPlan([tally], Stalls: false), new ViewerPlan([tally], Stalls: true)]);
        await viewers.ConnectAsync(gateway.Address, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(1, viewers.StopTheStalledReading());
        Assert.All(viewers.Viewers, v => Assert.False(v.Closed));

        await gateway.DisposeAsync();

        await Eventually.HoldsAsync(async () =>
        {
            await viewers.ProbeStalledAsync();
            return (viewers.Viewers.All(v => v.Closed), string.Join(", ", viewers.Viewers.Select(v => $"viewer {v.Index} closed: {v.Closed}")));
        }, TimeSpan.FromSeconds(60), "both viewers see their connection ended");
        Assert.All(viewers.Viewers, v => Assert.NotNull(v.CloseReason));
    }
}
