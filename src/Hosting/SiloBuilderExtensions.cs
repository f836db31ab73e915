using KpuOrleans.Certification;
using KpuOrleans.Evidence;
using KpuOrleans.Ledger;
using KpuOrleans.Placement;
using KpuOrleans.Reconciliation;
using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using KpuOrleans.Tps;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;

namespace KpuOrleans.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// The grains and what they depend on, with in-memory ledger and state: the embedded mode's storage and the
    /// test clusters'. A durable host registers its own <see cref="ILedger"/> and storage before calling this.
    /// </summary>
    public static ISiloBuilder AddKpuGrains(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddKpuRegistry(silo.Configuration);
        services.AddOptions<TallyOptions>().Bind(silo.Configuration.GetSection(TallyOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TallyOptions>, TallyOptionsValidation>());
        services.AddOptions<ReconciliationOptions>().Bind(silo.Configuration.GetSection(ReconciliationOptions.Section));
        services.AddOptions<CorrectionOptions>().Bind(silo.Configuration.GetSection(CorrectionOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CorrectionOptions>, CorrectionOptionsValidation>());
        // TPS grains leave memory sooner than the regions (TpsCollection says why); the others keep Orleans' default age.
        var tpsAge = TpsCollection.Age(silo.Configuration);
        if (tpsAge <= TimeSpan.Zero || tpsAge > TimeSpan.FromDays(1))
            throw new SettingsRefusedException($"Tps__CollectionAge is {tpsAge}: give a positive age of at most a day (default {TpsCollection.DefaultAge})");
        services.Configure<GrainCollectionOptions>(options => options.ClassSpecificCollectionAge[typeof(TpsGrain).FullName!] = tpsAge);
        // A TPS, its village and its district on one silo: most of the tree's reports stay local (DESIGN.md, "Placement").
        services.AddPlacementDirector<DistrictPlacement, DistrictPlacementDirector>();
        services.TryAddSingleton(TimeProvider.System);
        // One set of freezes for the in-memory ledger and register, as PostgreSQL's trigger and kpu_freezes are one.
        services.TryAddSingleton<InMemoryFreezes>();
        services.TryAddSingleton<ILedger, InMemoryLedger>();
        // The catalogue is kept with the forms, in the same store: a ledger that keeps none is a wiring mistake.
        services.TryAddSingleton(provider => provider.GetRequiredService<ILedger>() as IPhotoCatalogue
            ?? throw new InvalidOperationException($"{provider.GetRequiredService<ILedger>().GetType().Name} keeps no photo catalogue: register an IPhotoCatalogue beside it"));
        services.TryAddSingleton<ICertificateRegister, InMemoryCertificateRegister>();
        services.TryAddSingleton<IDisputeRegister, InMemoryDisputeRegister>();
        services.TryAddSingleton<EvidenceReader>();
        services.TryAddSingleton<IUpstream, GrainUpstream>();
        if (!services.Any(s => s.IsKeyedService && Equals(s.ServiceKey, RegionGrain.StorageName)))
            silo.AddMemoryGrainStorage(RegionGrain.StorageName);
        return silo;
    }

    /// <summary>
    /// The Orleans dashboard's collectors (grain calls, silo counters) unless <c>Dashboard:Enabled</c> is false; the
    /// gateway serves its page to operators. Its live log stream stays off: the page is reachable by whoever reaches
    /// the gateway.
    /// </summary>
    public static ISiloBuilder AddKpuDashboard(this ISiloBuilder silo) =>
        OperatorDashboard.IsEnabled(silo.Configuration) ? silo.AddDashboard(options => options.HideTrace = true) : silo;

    /// <summary>
    /// Where the province keeps its state in PostgreSQL (the lower levels rebuild from the ledger), in Orleans' own
    /// binary format: the state is <c>[GenerateSerializer]</c>, and the default JSON serializer costs several times more.
    /// </summary>
    public static ISiloBuilder AddKpuRegionStorage(this ISiloBuilder silo, string connectionString) =>
        silo.AddAdoNetGrainStorage(RegionGrain.StorageName, (OptionsBuilder<AdoNetGrainStorageOptions> storage) =>
            storage.Configure<Serializer>((options, serializer) =>
            {
                options.Invariant = SiloHosting.Invariant;
                options.ConnectionString = connectionString;
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
}
