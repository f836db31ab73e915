using System.Collections.Concurrent;
using KpuOrleans.Regions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>
/// Counts the tree's reports (<see cref="IRegionGrain.Report"/>, <see cref="IRegionGrain.Hear"/>) by whether they
/// crossed silos: the caller's silo travels in the call's request context and the callee compares it with its own.
/// </summary>
public sealed class CallLocality
{
    private const string FromSilo = "kpu-test-from-silo";

    /// <summary>Per receiving grain class: reports that stayed on their silo, and reports that crossed.</summary>
    public ConcurrentDictionary<string, (int Local, int Remote)> Reports { get; } = new();

    public static void Count(ISiloBuilder silo, CallLocality locality)
    {
        silo.Services.AddSingleton<IOutgoingGrainCallFilter>(services => new Stamp(services.GetRequiredService<ILocalSiloDetails>()));
        silo.Services.AddSingleton<IIncomingGrainCallFilter>(services => new Compare(services.GetRequiredService<ILocalSiloDetails>(), locality));
    }

    private static bool IsReport(IGrainCallContext call) =>
        call.InterfaceMethod.Name is nameof(IRegionGrain.Report) or nameof(IRegionGrain.Hear) && call.InterfaceMethod.DeclaringType == typeof(IRegionGrain);

    private sealed class Stamp(ILocalSiloDetails silo) : IOutgoingGrainCallFilter
    {
        public async Task Invoke(IOutgoingGrainCallContext call)
        {
            if (!IsReport(call))
            {
                await call.Invoke();
                return;
            }
            RequestContext.Set(FromSilo, silo.SiloAddress.ToParsableString());
            try
            {
                await call.Invoke();
            }
            finally
            {
                RequestContext.Remove(FromSilo);
            }
        }
    }

    private sealed class Compare(ILocalSiloDetails silo, CallLocality locality) : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext call)
        {
            if (IsReport(call) && RequestContext.Get(FromSilo) is string from)
            {
                var local = from == silo.SiloAddress.ToParsableString();
                locality.Reports.AddOrUpdate(call.Grain.GetType().Name, local ? (1, 0) : (0, 1),
                    (_, n) => local ? (n.Local + 1, n.Remote) : (n.Local, n.Remote + 1));
            }
            return call.Invoke();
        }
    }

    private static readonly ConcurrentDictionary<string, CallLocality> ByService = new();

    public static CallLocality For(string serviceId) => ByService.GetOrAdd(serviceId, _ => new CallLocality());
}

/// <summary>A test silo counting whether the tree's reports cross silos.</summary>
public sealed class LocalityTreeSilo : TreeSilo
{
    protected override void ConfigureMore(ISiloBuilder silo, ClusterProbe probe) =>
        CallLocality.Count(silo, CallLocality.For(silo.Configuration[ClusterProbe.ConfigKey]!));
}

/// <summary>Three silos, as a small production cluster has, counting the tree's crossings.</summary>
public sealed class LocalityTreeCluster : TreeCluster<LocalityTreeSilo>
{
    protected override short SiloCount => 3;

    public CallLocality Locality => CallLocality.For(Silos.Options.ServiceId);
}
