using System.Text.Json;
using KpuOrleans.Forms;

namespace KpuOrleans.Gateway.Api;

/// <summary>
/// Reads a C.Hasil form from JSON by hand, so that every fault is named by its field path: a wrong shape
/// (missing field, wrong type) is a 400; a number that is not an integer in range breaks rule 2 and is a 422.
/// Unknown fields are ignored.
/// </summary>
public sealed class FormJson
{
    private static readonly Dictionary<string, string> NoneUnreadable = new(StringComparer.Ordinal);

    // Made on the first fault only: an honest form has none.
    private Dictionary<string, List<string>>? _shape;
    private Dictionary<string, string>? _unreadable;

    private FormJson() { }

    /// <summary>Shape errors (400) by field path; the form is null when there are any.</summary>
    public Dictionary<string, string[]> ShapeErrors => _shape?.ToDictionary(e => e.Key, e => e.Value.ToArray()) ?? [];

    /// <summary>Numbers that are not integers in range (rule 2), to merge into the rule errors.</summary>
    public IReadOnlyDictionary<string, string> Unreadable => _unreadable ?? NoneUnreadable;

    public ResultForm? Form { get; private set; }

    public static FormJson Read(JsonElement root)
    {
        var reader = new FormJson();
        reader.Form = reader.ReadForm(root);
        return reader;
    }

    private ResultForm? ReadForm(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Shape("$", "the form must be a JSON object");
            return null;
        }
        var tps = Text(root, "tps", required: true);
        var contest = Text(root, "contest", required: true);
        var version = Number(root, "version", "version");
        var registered = Number(root, "registered", "registered");
        var voted = Object(root, "voted");
        var ballots = Object(root, "ballots");
        var votesElement = Object(root, "votes");
        var valid = Number(root, "valid", "valid");
        var invalid = Number(root, "invalid", "invalid");
        var reason = Text(root, "reason", required: false);
        // Hashes are kept in lowercase whatever the client wrote (API.md, "Forms cite their photos").
        var photo = Text(root, "photoSha256", required: false)?.ToLowerInvariant();
        var photos = Pages(root);

        VotedCounts? votedCounts = voted is { } v
            ? new VotedCounts(Number(v, "dpt", "voted.dpt"), Number(v, "dptb", "voted.dptb"), Number(v, "dpk", "voted.dpk"))
            : null;
        BallotCounts? ballotCounts = ballots is { } b
            ? new BallotCounts(Number(b, "received", "ballots.received"), Number(b, "used", "ballots.used"),
                Number(b, "spoiled", "ballots.spoiled"), Number(b, "unused", "ballots.unused"))
            : null;
        var votes = new Dictionary<string, long>(StringComparer.Ordinal);
        if (votesElement is { } votesObject)
        {
            foreach (var entry in votesObject.EnumerateObject())
                votes[entry.Name] = NumberValue(entry.Value, $"votes.{entry.Name}");
        }

        if (_shape is not null) return null;
        return new ResultForm(tps!, contest!, version, registered, votedCounts!, ballotCounts!, votes, valid, invalid, reason, photo, photos);
    }

    private string? Text(JsonElement parent, string name, bool required)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) Shape(name, $"{name} is required");
            return null;
        }
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        Shape(name, $"{name} must be a string");
        return null;
    }

    private List<string>? Pages(JsonElement root)
    {
        if (!root.TryGetProperty("photos", out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Array)
        {
            Shape("photos", "photos must be an array of SHA-256 hashes");
            return null;
        }
        var pages = new List<string>();
        var index = 0;
        foreach (var page in value.EnumerateArray())
        {
            if (page.ValueKind == JsonValueKind.String) pages.Add(page.GetString()!.ToLowerInvariant());
            else Shape($"photos[{index}]", $"photos[{index}] must be a string");
            index++;
        }
        return pages;
    }

    private JsonElement? Object(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            Shape(name, $"{name} is required");
            return null;
        }
        if (value.ValueKind == JsonValueKind.Object) return value;
        Shape(name, $"{name} must be an object");
        return null;
    }

    private long Number(JsonElement parent, string name, string path)
    {
        if (parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null) return NumberValue(value, path);
        Shape(path, $"{path} is required");
        return 0;
    }

    private long NumberValue(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            Shape(path, $"{path} must be a number");
            return 0;
        }
        // Digits alone, as every honest form writes them, read straight into a long.
        if (value.TryGetInt64(out var whole)) return whole;
        // 1e3 and 300.0 are integers written oddly; 300.5 and 1e30 are not integers this form can hold.
        if (value.TryGetDecimal(out var number) && number == decimal.Truncate(number) && number is >= long.MinValue and <= long.MaxValue)
            return (long)number;
        (_unreadable ??= new(StringComparer.Ordinal))[path] = $"{path} ({value.GetRawText()}) must be an integer from 0 to {FormRules.MaxNumber:N0}";
        return 0;
    }

    private void Shape(string path, string message)
    {
        _shape ??= new(StringComparer.Ordinal);
        if (!_shape.TryGetValue(path, out var messages)) _shape[path] = messages = [];
        messages.Add(message);
    }
}
