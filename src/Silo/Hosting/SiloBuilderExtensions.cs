using KpuOrleans.Ledger;
using KpuOrleans.Reconciliation;
using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KpuOrleans.Silo.Hosting;

public static class SiloBuilderExtensions
{
    /// <summary>
    /// The grains and what they depend on, with in-memory ledger and state: the embedded mode's storage and the
    /// test clusters'. A durable host registers its own <see cref="ILedger"/> and storage before calling this.
    /// </summary>
    public static ISiloBuilder AddKpuGrains(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddRegionRegistry(silo.Configuration);
        services.AddOptions<TallyOptions>().Bind(silo.Configuration.GetSection(TallyOptions.Section));
        services.AddOptions<ReconciliationOptions>().Bind(silo.Configuration.GetSection(ReconciliationOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILedger, InMemoryLedger>();
        services.TryAddSingleton<IUpstream, GrainUpstream>();
        if (!services.Any(s => s.IsKeyedService && Equals(s.ServiceKey, RegionGrain.StorageName)))
            silo.AddMemoryGrainStorage(RegionGrain.StorageName);
        return silo;
    }
}
