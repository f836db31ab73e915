namespace KpuOrleans.Registry;

public sealed record Candidate(string Number, string Names, bool EmptyColumn);

/// <summary>One race: the governor over the province, or a regent/mayor over one regency.</summary>
public sealed class Contest(string id, string kind, string scope, string name, IReadOnlyList<Candidate> candidates)
{
    public string Id { get; } = id;
    public string Kind { get; } = kind;
    public string Scope { get; } = scope;
    public string Name { get; } = name;

    /// <summary>Ballot entries in ballot order; a tally's vote array is indexed the same way.</summary>
    public IReadOnlyList<Candidate> Candidates { get; } = candidates;

    public int IndexOf(string ballotNumber)
    {
        for (var i = 0; i < Candidates.Count; i++)
        {
            if (Candidates[i].Number == ballotNumber) return i;
        }
        return -1;
    }

    private readonly RegionCode _scope = RegionCode.Parse(scope);

    public bool Covers(string regionCode) => RegionCode.TryParse(regionCode, out var code) && code.IsWithin(_scope);
}
