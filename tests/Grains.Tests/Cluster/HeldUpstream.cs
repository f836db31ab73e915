using System.Collections.Concurrent;
using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// Records every report sent up, by the sending node, and holds those of the nodes a test names until it lets them go:
/// a parent that has not answered yet.
/// </summary>
public sealed class HeldUpstream(IUpstream inner) : IUpstream
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Holds = new();

    public static ConcurrentQueue<(string Child, TallySnapshot[] Report)> Sent { get; } = new();

    /// <summary>Holds <paramref name="child"/>'s reports until the returned handle is disposed.</summary>
    public static IDisposable Hold(string child)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Holds[child] = gate;
        return new Release(child, gate);
    }

    public async Task SendAsync(RegionInfo child, TallySnapshot[] report)
    {
        Sent.Enqueue((child.Code, report));
        if (Holds.TryGetValue(child.Code, out var gate)) await gate.Task;
        await inner.SendAsync(child, report);
    }

    private sealed class Release(string child, TaskCompletionSource gate) : IDisposable
    {
        public void Dispose()
        {
            Holds.TryRemove(child, out _);
            gate.TrySetResult();
        }
    }
}

public sealed class HeldUpstreamSilo : TreeSilo
{
    protected override void ConfigureMore(ISiloBuilder silo, ClusterProbe probe) =>
        silo.Services.AddSingleton<IUpstream>(services => new HeldUpstream(
            new GrainUpstream(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<RegionRegistry>())));
}

public sealed class HeldUpstreamCluster : TreeCluster<HeldUpstreamSilo>;
