using KpuOrleans.Ledger;

namespace KpuOrleans.Certification;

/// <summary>
/// The embedded mode's register: as durable as the process, like its ledger, and sharing its freezes with that
/// ledger (<see cref="InMemoryFreezes"/>), so that a freeze or a certificate in force refuses corrections there too.
/// </summary>
public sealed class InMemoryCertificateRegister(InMemoryFreezes freezes) : ICertificateRegister
{
    private readonly List<Certificate> _certificates = [];

    public Task<IReadOnlyList<Certificate>> ReadInForceAsync(IReadOnlyCollection<string> regions, CancellationToken cancellationToken = default) =>
        Task.FromResult(freezes.Atomically<IReadOnlyList<Certificate>>(() => [.. _certificates.Where(c => regions.Contains(c.Region) && c.Withdrawn is null)]));

    public Task<IReadOnlyList<Certificate>> ReadAllAsync(string contest, CancellationToken cancellationToken = default) =>
        Task.FromResult(freezes.Atomically<IReadOnlyList<Certificate>>(() =>
            [.. _certificates.Where(c => c.Contest == contest).OrderBy(c => c.Region, StringComparer.Ordinal).ThenBy(c => c.CertifiedAt)]));

    public async IAsyncEnumerable<Certificate> StreamAllAsync(string contest, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A copy taken under the lock: the list may change while the reader is slow.
        foreach (var certificate in await ReadAllAsync(contest, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return certificate;
        }
    }

    public Task<long> FreezeAsync(string contest, string district, string officer, CancellationToken cancellationToken = default) =>
        Task.FromResult(freezes.Freeze(contest, district));

    public Task<bool> ReleaseAsync(long freeze, CancellationToken cancellationToken = default) => Task.FromResult(freezes.Release(freeze));

    public Task<IssueOutcome> IssueAsync(Certificate certificate, long? freeze, CancellationToken cancellationToken = default) =>
        Task.FromResult(freezes.Atomically(() =>
        {
            if (_certificates.Any(c => c.Contest == certificate.Contest && c.Region == certificate.Region && c.Withdrawn is null))
                return IssueOutcome.AlreadyCertified;
            if (freeze is { } id && !freezes.Release(id)) return IssueOutcome.FreezeLifted;
            _certificates.Add(certificate);
            freezes.Certified(certificate.Contest, certificate.Region, inForce: true);
            return IssueOutcome.Issued;
        }));

    public Task<bool> WithdrawAsync(string contest, string region, Withdrawal withdrawal, CancellationToken cancellationToken = default) =>
        Task.FromResult(freezes.Atomically(() =>
        {
            var index = _certificates.FindIndex(c => c.Contest == contest && c.Region == region && c.Withdrawn is null);
            if (index < 0) return false;
            _certificates[index] = _certificates[index] with { Withdrawn = withdrawal };
            freezes.Certified(contest, region, inForce: false);
            return true;
        }));
}
