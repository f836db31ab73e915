using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Certification;

/// <summary>
/// The rules of API.md's "Certification", kept together so that the grains and the gateway apply them alike: which
/// tiers certify, who signs and who withdraws, what a district's freeze holds back, what a region must hold to be
/// certified, and where a certificate is shown. The certification grain keeps the state they are applied to; the
/// registers keep it durable (and the database enforces the freeze itself: Sql/0005_freezes.sql).
/// </summary>
public static class CertificationRules
{
    /// <summary>The recap's tiers: PPK a district, KPU Kabupaten/Kota a regency, KPU Provinsi the province.</summary>
    public static bool Certifies(Level level) => level is Level.District or Level.Regency or Level.Province;

    /// <summary>The region a certificate of <paramref name="contest"/> may be asked for, or null when it cannot be.</summary>
    public static RegionInfo? Certifiable(RegionRegistry registry, string contest, string code) =>
        registry.Find(code) is { } region && Certifies(region.Level) && region.FindContest(contest) is not null ? region : null;

    /// <summary>
    /// A certificate is signed by the officer of that very region; <paramref name="scope"/> is the region the officer
    /// works in, at the level of their role.
    /// </summary>
    public static bool MaySign(string scope, RegionInfo region) => scope == region.Code;

    /// <summary>A certificate is withdrawn by its own tier or one above it whose region contains it.</summary>
    public static bool MayWithdraw(string scope, RegionInfo region) =>
        RegionCode.TryParse(scope, out var officer) && RegionCode.Parse(region.Code).IsWithin(officer);

    /// <summary>
    /// A district certifies forms: it freezes its TPS and reads their forms back. A regency and the province certify
    /// their children's certificates, bottom up, so their TPS are frozen already.
    /// </summary>
    public static bool CertifiesForms(RegionInfo region) => region.Level == Level.District;

    /// <summary>The child regions that must be certified first (those the contest covers: a regent's race ends at its regency).</summary>
    public static IEnumerable<string> ChildrenToCertifyFirst(RegionInfo region, string contest, RegionRegistry registry) =>
        CertifiesForms(region) ? [] : region.Children.Where(code => registry.Get(code).FindContest(contest) is not null);

    /// <summary>Whether a tally read back may be certified: it counts every TPS below, and its digest commits to their forms.</summary>
    public static bool IsComplete(RegionInfo region, TallySnapshot tally) => tally.Tally.TpsReported == region.TpsCount && tally.Digest is not null;

    /// <summary>
    /// The region above whose certificate vouches for this one, in the same contest: it must be withdrawn first (top
    /// down), and it lists this region's certificate among its children. Null for the province and for a regency in
    /// its own race.
    /// </summary>
    public static RegionInfo? CertifyingParent(RegionInfo region, string contest, RegionRegistry registry) =>
        region.Parent is { } parent && registry.Get(parent) is var above && Certifies(above.Level) && above.FindContest(contest) is not null ? above : null;

    /// <summary>
    /// The certificates a region's tally shows: its own (a certifying tier) and, above a district, its children's in
    /// its list of children. A village or TPS shows none.
    /// </summary>
    public static IReadOnlyCollection<string> ShownAt(RegionInfo region) =>
        !Certifies(region.Level) ? [] : CertifiesForms(region) ? [region.Code] : [region.Code, .. region.Children];

    /// <summary>
    /// The one certification that freezes a TPS: its district's. Nothing above can be certified while its districts
    /// are not, so the district alone answers for the tiers above it.
    /// </summary>
    public static string FreezingRegion(RegionInfo tps, RegionRegistry registry) => registry.Get(tps.Parent!).Parent!;

    /// <summary>A freeze holds back corrections only: a first form is never refused by one.</summary>
    public static bool IsHeldBackByFreeze(ResultForm form) => form.Version > 1;

    /// <summary>Why a form below may not change, given the certification's state; null when it may.</summary>
    public static string? Freeze(RegionInfo region, string contest, bool certifying, Certificate? inForce) =>
        certifying ? $"{region.Code} is being certified for {contest}"
        : inForce is { } certificate ? $"{region.Code} is certified for {contest} by {certificate.CertifiedBy} at {certificate.CertifiedAt:O}"
        : null;

    /// <summary>What a correction held back by <paramref name="freeze"/> is told.</summary>
    public static string CorrectionRefused(string freeze) =>
        $"{freeze}; a correction below it needs that certificate withdrawn first. Nothing was stored.";

    /// <summary>The freeze as the database reports it, when the certification grain no longer says (a release raced it).</summary>
    public static string FrozenInLedger(ResultForm form) =>
        $"The district of {form.Tps} is certified (or being certified) for {form.Contest}";
}
