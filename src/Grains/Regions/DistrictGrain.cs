using KpuOrleans.Certification;
using KpuOrleans.Evidence;
using KpuOrleans.Ledger;
using KpuOrleans.Placement;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Regions;

[DistrictPlacement]
public sealed class DistrictGrain(ILedger ledger, EvidenceReader evidence, RegionRegistry registry, ICertificateRegister certificates, IUpstream upstream, IOptions<TallyOptions> options, ILogger<DistrictGrain> logger)
    : LedgerRegionGrain(ledger, evidence, registry, certificates, upstream, options, logger), IDistrictGrain;
