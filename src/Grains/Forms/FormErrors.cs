namespace KpuOrleans.Forms;

/// <summary>Broken rules by field path (<c>voted.dpt</c>, <c>votes.2</c>), as API.md's problem+json <c>errors</c> lists them.</summary>
public sealed class FormErrors
{
    /// <summary>The rule name for a malformed <c>photoSha256</c>, which API.md checks outside its numbered rules.</summary>
    public const string PhotoRule = "photo";

    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _rules = new(StringComparer.Ordinal);

    public bool IsEmpty => _byField.Count == 0;

    /// <summary>Which rules are broken: API.md's numbers ("1" to "9") and <see cref="PhotoRule"/>; operators count rejections by them.</summary>
    public IReadOnlyCollection<string> Rules => _rules;

    public void Add(int rule, string field, string message) => Add(rule.ToString(System.Globalization.CultureInfo.InvariantCulture), field, message);

    public void Add(string rule, string field, string message)
    {
        _rules.Add(rule);
        if (!_byField.TryGetValue(field, out var messages)) _byField[field] = messages = [];
        messages.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() => _byField.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
