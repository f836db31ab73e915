using KpuOrleans.Tallies;

namespace KpuOrleans.Regions;

/// <summary>
/// The children behind the digests a region handed out lately, per contest. A parent holds the digest of this region's
/// last report (or of the one before, while a report is on its way, or of a read), not necessarily its current one, so
/// an inclusion proof read top down needs the state behind that digest. Each kept digest is an undo record over the
/// state after it: the memory is what changed since the oldest kept digest, never a copy of the children.
/// </summary>
public sealed class RecentStates(int keep)
{
    /// <summary>How many digests per contest a region keeps openable: a proof's levels are read within a few flushes.</summary>
    public const int DefaultKeep = 16;

    private sealed class Kept
    {
        /// <summary>Oldest first. Each undo turns the children of its digest back into those of the digest before it.</summary>
        public List<(string Digest, Dictionary<string, TallySnapshot?> Undo)> Digests { get; } = [];

        /// <summary>Turns the current children back into those of the newest kept digest; null while nothing changed.</summary>
        public Dictionary<string, TallySnapshot?>? Open { get; set; }
    }

    /// <summary>The undo of a digest nothing changed before, or of the oldest kept (never undone past): shared, never written.</summary>
    private static readonly Dictionary<string, TallySnapshot?> Nothing = new(StringComparer.Ordinal);

    private readonly Dictionary<string, Kept> _contests = new(StringComparer.Ordinal);

    /// <summary>A child's report is about to replace <paramref name="previous"/> (null: the child had none).</summary>
    public void Replacing(string contest, string child, TallySnapshot? previous)
    {
        if (_contests.TryGetValue(contest, out var kept) && kept.Digests.Count > 0) (kept.Open ??= new(StringComparer.Ordinal)).TryAdd(child, previous);
    }

    /// <summary>The region computed <paramref name="digest"/> for its current children and may hand it out.</summary>
    public void HandedOut(string contest, string? digest)
    {
        if (digest is null)
        {
            _contests.Remove(contest);
            return;
        }
        if (!_contests.TryGetValue(contest, out var kept)) _contests[contest] = kept = new Kept();
        if (kept.Digests.Count > 0 && kept.Digests[^1].Digest == digest && kept.Open is null) return;
        // A flush hands out a digest every interval on a busy region: nothing is allocated for one that changed nothing.
        kept.Digests.Add((digest, kept.Open ?? Nothing));
        kept.Open = null;
        if (kept.Digests.Count > keep)
        {
            kept.Digests.RemoveAt(0);
            // Nothing is ever undone past the oldest kept digest.
            kept.Digests[0] = (kept.Digests[0].Digest, Nothing);
        }
    }

    /// <summary>The children read anew from their source: older states no longer lead to them.</summary>
    public void Forget(string contest) => _contests.Remove(contest);

    /// <returns>The children as they were when <paramref name="digest"/> was handed out; null when it is not kept.</returns>
    public IReadOnlyDictionary<string, TallySnapshot>? ChildrenAt(string contest, string digest, IReadOnlyDictionary<string, TallySnapshot> current)
    {
        if (!_contests.TryGetValue(contest, out var kept)) return null;
        var index = kept.Digests.FindLastIndex(d => d.Digest == digest);
        if (index < 0) return null;
        var children = new Dictionary<string, TallySnapshot>(current, StringComparer.Ordinal);
        if (kept.Open is not null) Undo(children, kept.Open);
        for (var i = kept.Digests.Count - 1; i > index; i--) Undo(children, kept.Digests[i].Undo);
        return children;
    }

    private static void Undo(Dictionary<string, TallySnapshot> children, Dictionary<string, TallySnapshot?> undo)
    {
        foreach (var (code, previous) in undo)
        {
            if (previous is null) children.Remove(code);
            else children[code] = previous;
        }
    }
}
