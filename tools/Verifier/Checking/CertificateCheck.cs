using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Tallies;

namespace KpuOrleans.Verifier.Checking;

/// <summary>How many certificates of one contest were checked; <paramref name="FileRead"/> is false when there was no file.</summary>
public sealed record CertificateCount(int InForce, int Withdrawn, bool FileRead);

/// <summary>
/// One contest's certificates (API.md, "Certification") against its forms and its published tallies. A certificate
/// in force froze the forms below it, so its tally must be today's recomputation, its digest today's digest, and the
/// region's published tally must show it; a published tally claiming a certificate needs one in force; regencies and
/// the province are certified bottom up. A withdrawn certificate is history: the forms below it may since have been
/// corrected, so it is only checked for being well formed.
/// </summary>
public static class CertificateCheck
{
    /// <summary>Districts are the lowest tier that certifies; villages and TPS do not.</summary>
    private const int DistrictDepth = 3;

    /// <param name="certificates">Null when the evidence has no certificates file.</param>
    /// <param name="recomputed">Every node's tally from the forms (<see cref="Recomputation"/>).</param>
    /// <param name="published">The first published tally of every region of the scope.</param>
    /// <param name="add">Records a difference of a region.</param>
    public static CertificateCount Run(ContestInfo contest, IReadOnlyList<PublishedCertificate>? certificates,
        IReadOnlyDictionary<string, TallyFigures> recomputed, IReadOnlyDictionary<string, PublishedTally> published, Action<string, string> add)
    {
        var inForce = new Dictionary<string, PublishedCertificate>(StringComparer.Ordinal);
        foreach (var certificate in certificates ?? [])
        {
            if (!WellFormed(contest, certificate, add) || !certificate.InForce) continue;
            if (inForce.TryGetValue(certificate.Region, out var first))
            {
                add(certificate.Region, $"{certificate.Describe()}: a second certificate in force (the first is by {first.CertifiedBy} at {first.CertifiedAt}); only the first is compared");
                continue;
            }
            inForce.Add(certificate.Region, certificate);
            AgainstForms(contest, certificate, recomputed.GetValueOrDefault(certificate.Region) ?? TallyFigures.Zero(contest), add);
            AgainstPublished(certificate, published.GetValueOrDefault(certificate.Region), add);
        }

        foreach (var (region, tally) in published.Where(p => p.Value.Certified is not null && !inForce.ContainsKey(p.Key)))
            add(region, $"the published tally shows certified {tally.Certified}, but " +
                        (certificates is null ? "there is no certificates file to hold it against" : "no certificate of it is in force"));

        // Bottom up: the children a region has are the ones published or counted (the verifier has no registry).
        var regions = published.Keys.Concat(recomputed.Keys).ToHashSet(StringComparer.Ordinal);
        foreach (var region in inForce.Keys.Where(r => RegionCode.Depth(r) < DistrictDepth))
        {
            var children = regions.Where(c => RegionCode.Parent(c) == region).Order(StringComparer.Ordinal).ToList();
            var missing = children.Where(c => !inForce.ContainsKey(c)).ToList();
            if (missing.Count == 0) continue;
            var kind = RegionCode.Level(children[0]) is "regency" ? "regencies" : RegionCode.Level(children[0]) + "s";
            add(region, $"certified, but {missing.Count} of its {children.Count} {kind} {(missing.Count == 1 ? "has" : "have")} no certificate in force: " +
                        string.Join(", ", missing));
        }

        var all = certificates ?? [];
        return new CertificateCount(all.Count(c => c.InForce), all.Count(c => !c.InForce), certificates is not null);
    }

    /// <returns>False when the certificate cannot be held against this contest's forms at all (another contest, a
    /// region outside the scope or of a tier that does not certify, a tally of something else): it is left out.</returns>
    private static bool WellFormed(ContestInfo contest, PublishedCertificate certificate, Action<string, string> add)
    {
        var region = certificate.Region;
        var it = certificate.Describe();
        if (certificate.Contest != contest.Id)
            add(region, $"{it}: of contest {certificate.Contest ?? "(none)"}, among {contest.Id}'s certificates; left out");
        else if (!contest.Covers(region))
            add(region, $"{it}: outside {contest.Id}'s scope {contest.Scope}; left out");
        else if (RegionCode.Depth(region) > DistrictDepth)
            add(region, $"{it}: a {RegionCode.Level(region)} does not certify (districts, regencies and the province do); left out");
        else if (certificate.Tally.Region != region || certificate.Tally.Contest is { } other && other != contest.Id)
            add(region, $"{it}: its tally is of {certificate.Tally.Contest} {certificate.Tally.Region}; left out");
        else
        {
            if (certificate.Level != RegionCode.Level(region))
                add(region, $"{it}: level {certificate.Level ?? "(none)"}, but {region} is a {RegionCode.Level(region)}");
            if (string.IsNullOrWhiteSpace(certificate.CertifiedBy)) add(region, $"{it}: says nobody certified it (no certifiedBy)");
            var certifiedAt = ApiTime.Parse(certificate.CertifiedAt);
            if (certifiedAt is null) add(region, $"{it}: certifiedAt {certificate.CertifiedAt ?? "(none)"} is not a time with an offset");
            if (!IsDigest(certificate.Digest)) add(region, $"{it}: digest {certificate.Digest ?? "(none)"} is not 64 lowercase hex digits");
            if (certificate.Withdrawn is { } withdrawal)
            {
                if (string.IsNullOrWhiteSpace(withdrawal.By)) add(region, $"{it}: withdrawn without saying by whom");
                if (ApiTime.Parse(withdrawal.At) is not { } at) add(region, $"{it}: withdrawn at {withdrawal.At ?? "(none)"}, which is not a time with an offset");
                else if (at < certifiedAt) add(region, $"{it}: withdrawn at {withdrawal.At}, before it was certified");
                if (string.IsNullOrWhiteSpace(withdrawal.Reason)) add(region, $"{it}: withdrawn without a reason");
            }
            return true;
        }
        return false;
    }

    /// <summary>The forms cannot change below a certificate in force, so it must be today's recomputation.</summary>
    private static void AgainstForms(ContestInfo contest, PublishedCertificate certificate, TallyFigures recomputed, Action<string, string> add)
    {
        foreach (var difference in TallyComparison.Differences(contest, certificate.Tally, recomputed, shownAs: "certified"))
            add(certificate.Region, $"certificate tally.{difference}");
        if (!string.Equals(certificate.Digest, recomputed.Digest, StringComparison.Ordinal))
            add(certificate.Region, $"certificate digest: certified {certificate.Digest ?? "(none)"}, recomputed {recomputed.Digest ?? "null"}");
    }

    private static void AgainstPublished(PublishedCertificate certificate, PublishedTally? tally, Action<string, string> add)
    {
        var region = certificate.Region;
        if (tally is null)
            add(region, $"{certificate.Describe()} is in force, but no tally of {region} was published");
        else if (tally.Certified is not { } shown)
            add(region, $"{certificate.Describe()} is in force, but the published tally shows none (\"certified\": null)");
        else
        {
            if (shown.By != certificate.CertifiedBy) add(region, $"certified.by: published {shown.By}, certificate {certificate.CertifiedBy}");
            if (!ApiTime.Same(shown.At, certificate.CertifiedAt)) add(region, $"certified.at: published {shown.At}, certificate {certificate.CertifiedAt}");
            if (shown.Digest != certificate.Digest) add(region, $"certified.digest: published {shown.Digest}, certificate {certificate.Digest}");
        }
    }

    private static bool IsDigest(string? text) => text is { Length: 64 } && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
