using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Tps;

/// <summary>
/// What a TPS grain knows of its rows in the ledger, contest by contest. It learns a contest either by reading the
/// TPS's rows or by inserting its version 1: that insert succeeding proves there was nothing before it, because
/// versions are sequential and (tps, contest, version) is the ledger's key (a failover loses the latest commits,
/// never a version 1 under a kept version 2). So the usual night, one form per race, needs no read at all.
/// Knowledge belongs to one ledger generation: rows read before a failover may be gone, so a new generation
/// forgets everything and the next call reads again.
/// </summary>
public sealed class TpsHistory
{
    private readonly Dictionary<string, List<AcceptedForm>> _forms = new(StringComparer.Ordinal);

    /// <summary>Each known contest's tally, hashed once per change rather than once per report or read.</summary>
    private readonly Dictionary<string, TallySnapshot> _snapshots = new(StringComparer.Ordinal);

    /// <summary>Each known contest's evidence (stored pages, disputes), learnt with its rows or after a form.</summary>
    private readonly Dictionary<string, FormEvidence> _evidence = new(StringComparer.Ordinal);

    /// <summary>Whether every row of the TPS was read: a contest without rows is then known to have none.</summary>
    private bool _complete;

    /// <summary>The ledger generation the knowledge belongs to.</summary>
    public long Generation { get; private set; }

    public bool IsComplete => _complete;

    public bool Knows(string contest) => _complete || _forms.ContainsKey(contest);

    /// <summary>The contests with at least one accepted version held here.</summary>
    public IEnumerable<string> Contests => _forms.Where(f => f.Value.Count > 0).Select(f => f.Key);

    /// <summary>Forgets everything learnt in another generation than <paramref name="generation"/>.</summary>
    public void Keep(long generation)
    {
        if (generation == Generation) return;
        Forget();
        Generation = generation;
    }

    public void Forget()
    {
        _forms.Clear();
        _snapshots.Clear();
        _evidence.Clear();
        _complete = false;
    }

    /// <summary>The accepted versions of a known contest, oldest first.</summary>
    public List<AcceptedForm> Of(string contest)
    {
        if (!_forms.TryGetValue(contest, out var forms)) _forms[contest] = forms = [];
        return forms;
    }

    public AcceptedForm? Latest(string contest) => _forms.TryGetValue(contest, out var forms) && forms.Count > 0 ? forms[^1] : null;

    /// <summary>
    /// A version the ledger just stored. Taken only when it is the next one: an interleaved read may have learnt it
    /// already from the ledger.
    /// </summary>
    public void Stored(AcceptedForm row)
    {
        var forms = Of(row.Form.Contest);
        if (forms.Count > 0 && forms[^1].Form.Version >= row.Form.Version) return;
        forms.Add(row);
        _snapshots.Remove(row.Form.Contest);
    }

    /// <summary>
    /// Every row of the TPS as read in <paramref name="generation"/>. Merged with what is held, by version: within one
    /// generation the ledger only grows, and a form stored while the read was on its way must not be dropped by it.
    /// With <paramref name="replace"/> (a re-read after rows may have been lost) the read is taken as it is.
    /// </summary>
    public void Read(long generation, IEnumerable<AcceptedForm> rows, bool replace)
    {
        if (replace || generation != Generation) Forget();
        Generation = generation;
        foreach (var row in rows)
        {
            var forms = Of(row.Form.Contest);
            if (!forms.Exists(f => f.Form.Version == row.Form.Version)) forms.Add(row);
        }
        foreach (var forms in _forms.Values) forms.Sort((a, b) => a.Form.Version.CompareTo(b.Form.Version));
        _snapshots.Clear();
        _complete = true;
    }

    public FormEvidence EvidenceOf(string contest) => _evidence.GetValueOrDefault(contest, FormEvidence.None);

    /// <returns>Whether it differs from what was held.</returns>
    public bool Learnt(string contest, FormEvidence evidence)
    {
        if (_evidence.TryGetValue(contest, out var held) && held == evidence) return false;
        _evidence[contest] = evidence;
        _snapshots.Remove(contest);
        return true;
    }

    /// <summary>What the TPS contributes to <paramref name="ballot"/> now: its latest form, or nothing yet.</summary>
    public TallySnapshot Snapshot(string tps, Contest ballot)
    {
        if (_snapshots.TryGetValue(ballot.Id, out var snapshot)) return snapshot;
        snapshot = Latest(ballot.Id) is { } latest
            ? FormTallies.Of(latest, ballot, EvidenceOf(ballot.Id))
            : new TallySnapshot(ballot.Id, tps, Tally.Zero(ballot.Candidates.Count), null);
        _snapshots[ballot.Id] = snapshot;
        return snapshot;
    }
}
