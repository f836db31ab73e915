using KpuOrleans.Simulator.Viewers;
using KpuOrleans.TestKit;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// Issue 16: a simulated viewer holds one socket in the gateway, as a browser does, not two. The SignalR client it
/// used before kept each viewer's negotiate connection idle for the gateway's keep-alive minute, which at 10,000
/// viewers put 16,000 descriptors in the gateway; the lean client connects its WebSocket directly.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class ViewerSocketTests
{
    private const int Viewers = 40;

    [Fact]
    public async Task Connected_viewers_hold_one_socket_each_in_the_gateway()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("viewer-sockets",
            environment: new Dictionary<string, string?> { ["RateLimits__HubConnectionsPerAddress"] = "1000" });
        var pid = gateway.Process.Id ?? throw new InvalidOperationException("the gateway is not running");
        var before = Sockets(pid);
        var region = Jatim.Registry.Get("35.79.01.1001");

        await using var viewers = new LeanViewers([.. Enumerable.Repeat(new ViewerPlan([(region.Contests[0].Id, region.Code)], Stalls: false), Viewers)]);
        await viewers.ConnectAsync(gateway.Address, TimeSpan.FromSeconds(60), CancellationToken.None);

        Assert.Equal(Viewers, viewers.Connected);
        // The keep-alive minute is far longer than this wait: a pooled negotiate connection would still be open.
        await Eventually.HoldsAsync(() =>
        {
            var added = Sockets(pid) - before;
            return Task.FromResult((added <= Viewers + Viewers / 4, $"{added} more sockets for {Viewers} viewers"));
        }, TimeSpan.FromSeconds(20), "one socket per viewer");
    }

    private static int Sockets(int pid) =>
        Directory.GetFiles($"/proc/{pid}/fd").Count(fd => new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);
}
