using KpuOrleans.Certification;
using KpuOrleans.Evidence;
using KpuOrleans.Ledger;
using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>A test silo hosting the real grains, sharing its cluster's ledger and counting what reaches the province.</summary>
public class TreeSilo : ISiloConfigurator
{
    public void Configure(ISiloBuilder silo)
    {
        var probe = ClusterProbe.For(silo.Configuration[ClusterProbe.ConfigKey]!);
        silo.Services.AddSingleton(probe.Freezes);
        silo.Services.AddSingleton<ILedger>(new CountingLedger(probe));
        silo.Services.AddSingleton<ICertificateRegister>(probe.Certificates);
        silo.Services.AddSingleton<IDisputeRegister>(probe.Disputes);
        silo.AddIncomingGrainCallFilter(async call =>
        {
            if (call.Grain is ProvinceGrain && call.InterfaceMethod.Name == nameof(IRegionGrain.Report))
                probe.ProvinceReports.Enqueue(DateTime.UtcNow);
            await call.Invoke();
        });
        ConfigureMore(silo, probe);
        silo.AddKpuGrains();
    }

    protected virtual void ConfigureMore(ISiloBuilder silo, ClusterProbe probe) { }
}

/// <summary>A test silo whose reports are re-delivered and reordered on purpose.</summary>
public sealed class ChaoticTreeSilo : TreeSilo
{
    protected override void ConfigureMore(ISiloBuilder silo, ClusterProbe probe) =>
        silo.Services.AddSingleton<IUpstream>(services => new ChaoticUpstream(
            new GrainUpstream(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<RegionRegistry>()), probe));
}

/// <summary>A test silo on the national registry that counts the reports each level sends upward.</summary>
public sealed class NationalTreeSilo : TreeSilo
{
    protected override void ConfigureMore(ISiloBuilder silo, ClusterProbe probe) =>
        silo.Services.AddSingleton<IUpstream>(services => new CountingUpstream(
            new GrainUpstream(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<RegionRegistry>()), probe));
}

/// <summary>Passes every report on, counting it by the level of its sender.</summary>
public sealed class CountingUpstream(IUpstream inner, ClusterProbe probe) : IUpstream
{
    public Task SendAsync(RegionInfo child, KpuOrleans.Tallies.TallySnapshot[] report)
    {
        probe.ReportsSentFrom.AddOrUpdate(child.Level, 1, (_, n) => n + 1);
        return inner.SendAsync(child, report);
    }

    public Task TellAsync(RegionInfo child, KpuOrleans.Tallies.TallySnapshot[] report)
    {
        probe.ReportsSentFrom.AddOrUpdate(child.Level, 1, (_, n) => n + 1);
        return inner.TellAsync(child, report);
    }
}
