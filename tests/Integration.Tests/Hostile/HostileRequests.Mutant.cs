using System.Text.Json.Nodes;

namespace KpuOrleans.Integration.Tests.Hostile;

/// <summary>The JSON tree a mutation edits, and the editing of it by dotted path.</summary>
public sealed partial class HostileRequests
{
    private static void Set(JsonObject json, string path, JsonNode value)
    {
        var dot = path.IndexOf('.');
        if (dot > 0 && json[path[..dot]] is JsonObject parent) parent[path[(dot + 1)..]] = value;
        else json[path] = value;
    }

    private static void Remove(JsonObject json, string path)
    {
        var dot = path.IndexOf('.');
        if (dot > 0 && json[path[..dot]] is JsonObject parent) parent.Remove(path[(dot + 1)..]);
        else json.Remove(path);
    }

    /// <summary>A form's JSON under mutation, plus raw text for what a JSON tree cannot hold (1e400, NaN, duplicate keys).</summary>
    private sealed class Mutant(JsonObject json)
    {
        private readonly List<(string Marker, string Text)> _raw = [];
        private readonly List<Func<string, string>> _edits = [];

        public JsonObject Json => json;

        public JsonNode Raw(string text)
        {
            var marker = $"@@raw{_raw.Count}@@";
            _raw.Add((marker, text));
            return JsonValue.Create(marker);
        }

        public void EditText(Func<string, string> edit) => _edits.Add(edit);

        public string Text()
        {
            var text = json.ToJsonString(HostileRequests.Raw);
            foreach (var (marker, raw) in _raw) text = text.Replace($"\"{marker}\"", raw);
            return _edits.Aggregate(text, (t, edit) => edit(t));
        }
    }
}
