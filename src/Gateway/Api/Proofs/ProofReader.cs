using KpuOrleans.Proofs;
using KpuOrleans.Regions;
using KpuOrleans.Registry;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Api.Proofs;

/// <summary>What became of a request for a proof.</summary>
public abstract record ProofOutcome
{
    public sealed record Proved(InclusionProof Proof) : ProofOutcome;

    /// <summary>Nothing of the TPS is counted where the proof would end; <paramref name="LatestVersion"/> 0: it has no form.</summary>
    public sealed record NotCounted(long LatestVersion) : ProofOutcome;

    /// <summary>The <c>certificate</c> asked for is not in force on the path.</summary>
    public sealed record NoCertificate(string Detail) : ProofOutcome;

    /// <summary>No state was found in which every level agrees (forms kept arriving), or no slot was free.</summary>
    public sealed record Unavailable(string Detail) : ProofOutcome;
}

/// <summary>
/// Reads an inclusion proof top down from the grains' kept states: the top's current text names the digest of the
/// level below, which is asked for the state behind that digest, and so on to the TPS. At most one call per level per
/// attempt and a few attempts, never a ledger read. A level that moved on since its parent last heard from it is read
/// again from the top after a short wait; a path whose moving part lies above a certificate in force is cut there.
/// </summary>
public sealed class ProofReader(IGrainFactory grains, IOptions<ProofOptions> options, ILogger<ProofReader> logger)
{
    /// <summary>Waits before each further attempt: reports climb a level per flush (at most 250 ms).</summary>
    private static readonly TimeSpan[] Waits = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(300)];

    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrent, options.Value.MaxConcurrent);

    /// <summary>The TPS's path up to <paramref name="race"/>'s top, TPS first.</summary>
    public static IReadOnlyList<RegionInfo> PathOf(RegionInfo tps, Contest race, RegionRegistry registry)
    {
        var path = new List<RegionInfo> { tps };
        while (path[^1].Code != race.Scope) path.Add(registry.Get(path[^1].Parent ?? throw new ArgumentException($"{tps.Code} is not within {race.Scope}")));
        return path;
    }

    public async Task<ProofOutcome> ReadAsync(Contest race, IReadOnlyList<RegionInfo> path, ProofTarget target, CancellationToken cancellationToken)
    {
        if (!_slots.Wait(0)) return new ProofOutcome.Unavailable($"This gateway is assembling {options.Value.MaxConcurrent} proofs already ({ProofOptions.Section}:{nameof(ProofOptions.MaxConcurrent)}). Retry shortly.");
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var outcome = await AttemptAsync(race, path, target);
                if (outcome is not null) return outcome;
                if (attempt == Waits.Length)
                    return new ProofOutcome.Unavailable($"The path of {path[0].Code} in {race.Id} kept changing while it was read (forms are arriving). Retry shortly.");
                await Task.Delay(Waits[attempt], cancellationToken);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <returns>Null when the levels did not agree: try again.</returns>
    private async Task<ProofOutcome?> AttemptAsync(Contest race, IReadOnlyList<RegionInfo> path, ProofTarget target)
    {
        var start = target is ProofTarget.AtRegion at ? at.Index : path.Count - 1;
        var steps = new ProofStep?[path.Count];
        var (from, notCounted) = await WalkAsync(race, path, start, steps);
        if (notCounted) return new ProofOutcome.NotCounted(await LatestVersionAsync(race, path[0]));
        if (from < 0) return null;

        int end;
        switch (target)
        {
            case ProofTarget.Live:
                if (from != path.Count - 1) return null;
                end = from;
                break;
            case ProofTarget.AtRegion region:
                if (steps[region.Index]!.Certified is null)
                    return new ProofOutcome.NoCertificate($"No certificate of {race.Id} is in force at {path[region.Index].Code}.");
                if (from != region.Index || !SealHolds(steps[region.Index]!)) return null;
                end = region.Index;
                break;
            case ProofTarget.WithDigest wanted:
                end = HighestSealed(steps, from, seal => seal == wanted.Digest);
                if (end < 0 && from == path.Count - 1 && steps.All(s => s?.Certified?.Digest != wanted.Digest))
                    return new ProofOutcome.NoCertificate($"No certificate of {race.Id} with digest {wanted.Digest} is in force on the path of {path[0].Code}.");
                if (end < 0) return null;
                break;
            default:
                end = HighestSealed(steps, from, _ => true);
                if (end < 0 && from != path.Count - 1) return null;
                if (end < 0) end = from;
                break;
        }

        var againstCertificate = target is not ProofTarget.Live && steps[end]!.Certified is not null && SealHolds(steps[end]!);
        var levels = Enumerable.Range(0, end + 1).Select(i => new ProofLevel(path[i].Code, path[i].Level, path[i].Name, steps[i]!.Text, steps[i]!.Digest,
            SealHolds(steps[i]!) ? steps[i]!.Certified : null)).ToList();
        var proof = new InclusionProof(race.Id, path[0].Code, steps[0]!.Version, steps[0]!.LatestVersion, againstCertificate, levels);
        if (ProofCheck.Check(proof, race) is { } broken)
        {
            // The grains answered texts that do not chain: a level changed between two calls in a way the kept states
            // did not cover. Read again rather than send a proof that fails.
            logger.LogWarning("Proof of {Tps} {Contest} read from the grains does not check ({Break}); reading again", path[0].Code, race.Id, broken);
            return null;
        }
        return new ProofOutcome.Proved(proof);
    }

    /// <summary>
    /// Reads <paramref name="steps"/> from <paramref name="start"/> down to the TPS, each level asked for the digest its
    /// parent names. A level that no longer keeps that state answers its current one: the chain restarts there.
    /// </summary>
    /// <returns>The highest level from which every level below agrees (-1: none), or that the TPS is not counted.</returns>
    private async Task<(int From, bool NotCounted)> WalkAsync(Contest race, IReadOnlyList<RegionInfo> path, int start, ProofStep?[] steps)
    {
        var from = start;
        string? wanted = null;
        for (var i = start; i >= 0; i--)
        {
            var step = await grains.GetTallyGrain(path[i]).GetProofStep(race.Id, wanted);
            if (step is null) return i == start ? (-1, true) : (-1, false);
            if (wanted is not null && step.Digest != wanted) from = i;
            steps[i] = step;
            if (i > 0 && (wanted = ChildDigest(step.Text, path[i - 1].Code)) is null) return (-1, true);
        }
        return (from, false);
    }

    private async Task<long> LatestVersionAsync(Contest race, RegionInfo tps) =>
        (await grains.GetTallyGrain(tps).GetProofStep(race.Id, null))?.LatestVersion ?? 0;

    /// <summary>The highest level at or below <paramref name="from"/> whose certificate in force is of the state read.</summary>
    private static int HighestSealed(ProofStep?[] steps, int from, Func<string, bool> wanted)
    {
        for (var i = from; i >= 0; i--)
        {
            if (steps[i]!.Certified is { } seal && wanted(seal.Digest) && SealHolds(steps[i]!)) return i;
        }
        return -1;
    }

    private static bool SealHolds(ProofStep step) => step.Certified?.Digest == step.Digest;

    private static string? ChildDigest(string text, string child)
    {
        var line = $"\nchild {child} ";
        var at = text.IndexOf(line, StringComparison.Ordinal);
        return at < 0 ? null : text.Substring(at + line.Length, 64);
    }
}
