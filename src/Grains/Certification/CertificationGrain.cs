using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using KpuOrleans.Regions;
using KpuOrleans.Tps;

namespace KpuOrleans.Certification;

/// <summary>
/// Certifies bottom up (API.md, "Certification"). A district freezes first, in the database: once every correction
/// of it under way is stored, the ledger refuses any other (Sql/0005_freezes.sql), whichever activation of whichever
/// grain sends it, however late it commits. Then each TPS below finishes the form it is handling (and from then on
/// asks <see cref="Blocks"/> before a correction, sparing the ledger a refusal), and only then is the tally read back
/// from the ledger, so the certificate holds exactly the forms that can no longer change. The certificate takes the
/// freeze over when issued; a failed certification releases it. A regency or the province needs every child
/// certified, which means every TPS below is frozen already.
/// </summary>
public sealed class CertificationGrain(ICertificateRegister register, RegionRegistry registry, TimeProvider clock) : Grain, ICertificationGrain
{
    /// <summary>How many missing TPS or regions a refusal names (the count says the rest).</summary>
    private const int Named = 20;

    private Contest _contest = null!;
    private RegionInfo _region = null!;
    private Certificate? _inForce;
    private bool _certifying;
    private bool _withdrawing;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/');
        _contest = registry.FindContest(key[..slash]) ?? throw new ArgumentException($"no contest in key {key}");
        _region = registry.Get(key[(slash + 1)..]);
        _inForce = (await register.ReadInForceAsync([_region.Code], cancellationToken)).SingleOrDefault(c => c.Contest == _contest.Id);
    }

    public Task<CertificateSeal?> InForce() => Task.FromResult(_withdrawing ? null : _inForce?.Seal);

    public Task<string?> Blocks() => Task.FromResult(CertificationRules.Freeze(_region, _contest.Id, _certifying, _inForce));

    public async Task<CertificationOutcome> Certify(string officer)
    {
        if (_inForce is { } existing)
            return existing.CertifiedBy == officer
                ? CertificationOutcome.Of(CertificationStatus.Repeated, "Already certified by you.", existing)
                : CertificationOutcome.Of(CertificationStatus.AlreadyCertified,
                    $"{_region.Code} is already certified for {_contest.Id} by {existing.CertifiedBy} at {existing.CertifiedAt:O}.", existing);
        _certifying = true;
        long? freeze = null;
        try
        {
            if (CertificationRules.CertifiesForms(_region))
            {
                freeze = await register.FreezeAsync(_contest.Id, _region.Code, officer);
                var missing = await SettleAsync();
                if (missing.Count > 0)
                    return CertificationOutcome.Of(CertificationStatus.Incomplete,
                        $"{missing.Count} TPS of {_region.Code} have no accepted {_contest.Id} form yet: {Name(missing)}.", missing: missing);
            }
            else
            {
                var uncertified = await UncertifiedChildrenAsync();
                if (uncertified.Count > 0)
                    return CertificationOutcome.Of(CertificationStatus.Incomplete,
                        $"{uncertified.Count} of the regions of {_region.Code} are not certified for {_contest.Id} yet (bottom up): {Name(uncertified)}.",
                        missing: uncertified);
            }
            var regionGrain = GrainFactory.GetRegionGrain(_region);
            await regionGrain.CatchUp();
            var tally = (await regionGrain.GetTally(_contest.Id))!;
            if (!CertificationRules.IsComplete(_region, tally))
                return CertificationOutcome.Of(CertificationStatus.Incomplete,
                    $"{_region.Code} counts {tally.Tally.TpsReported} of its {_region.TpsCount} TPS for {_contest.Id}; try again in a moment.");
            var certificate = new Certificate(tally, officer, StoredTime.Microseconds(clock.GetUtcNow()));
            switch (await register.IssueAsync(certificate, freeze))
            {
                case IssueOutcome.AlreadyCertified:
                    await OnActivateAsync(CancellationToken.None);
                    return CertificationOutcome.Of(CertificationStatus.AlreadyCertified, $"{_region.Code} was certified meanwhile.", _inForce);
                case IssueOutcome.FreezeLifted:
                    freeze = null;
                    return CertificationOutcome.Of(CertificationStatus.Busy,
                        $"Another certification of {_region.Code} for {_contest.Id} ended and lifted the freeze meanwhile; nothing was certified. Try again.");
            }
            freeze = null; // the certificate has taken it over
            _inForce = certificate;
            await ShowAsync(certificate.Seal);
            return CertificationOutcome.Of(CertificationStatus.Done, $"{_region.Code} certified for {_contest.Id}.", certificate);
        }
        finally
        {
            // Only this freeze: a later one (another certification's) stays. If a duplicate activation of this grain
            // took this one over, its certificate is then refused (FreezeLifted), never issued unguarded.
            // If this release fails, the freeze stays in force until the next certification of the district takes it
            // over: corrections are refused meanwhile, which is the safe side.
            if (freeze is { } held) await register.ReleaseAsync(held);
            _certifying = false;
        }
    }

    public async Task<CertificationOutcome> Withdraw(string officer, string reason)
    {
        if (_inForce is not { } certificate)
            return CertificationOutcome.Of(CertificationStatus.NotCertified, $"{_region.Code} has no certificate in force for {_contest.Id}.");
        _withdrawing = true;
        try
        {
            // Top down: a certificate above still vouches for this one.
            if (CertificationRules.CertifyingParent(_region, _contest.Id, registry) is { } parent
                && await GrainFactory.GetCertificationGrain(_contest.Id, parent.Code).Blocks() is { } above)
                return CertificationOutcome.Of(CertificationStatus.ParentCertified, $"{above}: withdraw that certificate first.", certificate);
            var withdrawal = new Withdrawal(officer, StoredTime.Microseconds(clock.GetUtcNow()), reason);
            await register.WithdrawAsync(_contest.Id, _region.Code, withdrawal);
            _inForce = null;
            await ShowAsync(null);
            return CertificationOutcome.Of(CertificationStatus.Done, $"The certificate of {_region.Code} for {_contest.Id} is withdrawn.",
                certificate with { Withdrawn = withdrawal });
        }
        finally
        {
            _withdrawing = false;
        }
    }

    /// <summary>On the region's own tally, and on its entry in its parent's list of children.</summary>
    private async Task ShowAsync(CertificateSeal? seal)
    {
        await GrainFactory.GetRegionGrain(_region).Certified(_contest.Id, _region.Code, seal);
        if (CertificationRules.CertifyingParent(_region, _contest.Id, registry) is { } above)
            await GrainFactory.GetRegionGrain(above).Certified(_contest.Id, _region.Code, seal);
    }

    /// <summary>Waits until every TPS below has finished what it was doing; returns those without a form.</summary>
    private async Task<List<string>> SettleAsync()
    {
        var stations = registry.TpsUnder(_region.Code).ToList();
        var held = await Task.WhenAll(stations.Select(tps => GrainFactory.GetGrain<ITpsGrain>(tps.Code).Settle(_contest.Id)));
        return [.. stations.Where((_, i) => !held[i]).Select(tps => tps.Code)];
    }

    private async Task<List<string>> UncertifiedChildrenAsync()
    {
        var children = CertificationRules.ChildrenToCertifyFirst(_region, _contest.Id, registry).ToList();
        var seals = await Task.WhenAll(children.Select(code => GrainFactory.GetCertificationGrain(_contest.Id, code).InForce()));
        return [.. children.Where((_, i) => seals[i] is null)];
    }

    private static string Name(IReadOnlyList<string> codes) =>
        string.Join(", ", codes.Take(Named)) + (codes.Count > Named ? $" and {codes.Count - Named} more" : "");
}
