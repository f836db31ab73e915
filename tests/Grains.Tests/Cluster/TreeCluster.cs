using KpuOrleans.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace KpuOrleans.Grains.Tests.Cluster;

/// <summary>Two real silos in this process, the whole registry, a short flush interval.</summary>
public class TreeCluster<TSilo> : IAsyncLifetime where TSilo : ISiloConfigurator, new()
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    private TestCluster? _cluster;

    public IGrainFactory Grains => _cluster!.Client;

    /// <summary>The silos themselves, for what only they know (their options, their activations).</summary>
    public TestCluster Silos => _cluster!;

    public ClusterProbe Probe { get; private set; } = null!;

    protected virtual short SiloCount => 2;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(SiloCount);
        builder.Properties["Tally:FlushInterval"] = FlushInterval.ToString();
        var serviceId = $"kpu-test-{Guid.NewGuid():N}";
        builder.Options.ServiceId = serviceId;
        builder.Properties[ClusterProbe.ConfigKey] = serviceId;
        builder.AddSiloBuilderConfigurator<TSilo>();
        Configure(builder);
        _cluster = builder.Build();
        Probe = ClusterProbe.For(serviceId);
        await _cluster.DeployAsync();
        Deployed(_cluster);
    }

    protected virtual void Configure(TestClusterBuilder builder) { }

    protected virtual void Deployed(TestCluster cluster) { }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}

public sealed class TreeCluster : TreeCluster<TreeSilo>;

public sealed class ChaoticTreeCluster : TreeCluster<ChaoticTreeSilo>;

/// <summary>A tree whose reconciliation runs only when a test calls a pass: no timer pass races the test's.</summary>
public sealed class QuietReconcilerCluster : TreeCluster<TreeSilo>
{
    protected override void Configure(TestClusterBuilder builder) =>
        builder.Properties["Reconciliation:Interval"] = TimeSpan.FromHours(1).ToString();
}

/// <summary>Two silos that load the whole country's registry from its folder, as <c>Registry:Path</c> makes a real one do.</summary>
public sealed class NationalTreeCluster : TreeCluster<NationalTreeSilo>
{
    protected override void Configure(TestClusterBuilder builder) => builder.Properties["Registry:Path"] = Indonesia.Folder;

    /// <summary>
    /// Loads the registry before the first call rather than inside it: on a busy machine the load can outlast a
    /// call's 30 s deadline in the test client.
    /// </summary>
    protected override void Deployed(TestCluster cluster)
    {
        foreach (var silo in cluster.Silos.Cast<InProcessSiloHandle>()) silo.SiloHost.Services.GetRequiredService<Registry.RegionRegistry>();
    }
}

/// <summary>
/// A tree whose idle TPS grains are collected after five seconds, looked for every second; the regions keep the default
/// age. The reconciliation pass waits, so that nothing but the test wakes a grain.
/// </summary>
public sealed class CollectingTreeCluster : TreeCluster<TreeSilo>
{
    public static readonly TimeSpan TpsAge = TimeSpan.FromSeconds(5);

    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties["Reconciliation:Interval"] = TimeSpan.FromHours(1).ToString();
        builder.Properties[Tps.TpsCollection.Key] = TpsAge.ToString();
        builder.AddSiloBuilderConfigurator<QuickCollection>();
    }

    private sealed class QuickCollection : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) =>
            silo.Configure<Orleans.Configuration.GrainCollectionOptions>(options => options.CollectionQuantum = TimeSpan.FromSeconds(1));
    }
}
