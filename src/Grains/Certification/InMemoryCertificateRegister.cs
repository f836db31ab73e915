namespace KpuOrleans.Certification;

/// <summary>The embedded mode's register: as durable as the process, like its ledger.</summary>
public sealed class InMemoryCertificateRegister : ICertificateRegister
{
    private readonly List<Certificate> _certificates = [];

    public Task<IReadOnlyList<Certificate>> ReadInForceAsync(IReadOnlyCollection<string> regions, CancellationToken cancellationToken = default)
    {
        lock (_certificates)
            return Task.FromResult<IReadOnlyList<Certificate>>([.. _certificates.Where(c => regions.Contains(c.Region) && c.Withdrawn is null)]);
    }

    public Task<IReadOnlyList<Certificate>> ReadAllAsync(string contest, CancellationToken cancellationToken = default)
    {
        lock (_certificates)
            return Task.FromResult<IReadOnlyList<Certificate>>(
                [.. _certificates.Where(c => c.Contest == contest).OrderBy(c => c.Region, StringComparer.Ordinal).ThenBy(c => c.CertifiedAt)]);
    }

    public async IAsyncEnumerable<Certificate> StreamAllAsync(string contest, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A copy taken under the lock: the list may change while the reader is slow.
        foreach (var certificate in await ReadAllAsync(contest, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return certificate;
        }
    }

    public Task<bool> IssueAsync(Certificate certificate, CancellationToken cancellationToken = default)
    {
        lock (_certificates)
        {
            if (_certificates.Any(c => c.Contest == certificate.Contest && c.Region == certificate.Region && c.Withdrawn is null))
                return Task.FromResult(false);
            _certificates.Add(certificate);
            return Task.FromResult(true);
        }
    }

    public Task<bool> WithdrawAsync(string contest, string region, Withdrawal withdrawal, CancellationToken cancellationToken = default)
    {
        lock (_certificates)
        {
            var index = _certificates.FindIndex(c => c.Contest == contest && c.Region == region && c.Withdrawn is null);
            if (index < 0) return Task.FromResult(false);
            _certificates[index] = _certificates[index] with { Withdrawn = withdrawal };
            return Task.FromResult(true);
        }
    }
}
