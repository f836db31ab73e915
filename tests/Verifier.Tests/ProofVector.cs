using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KpuOrleans.TestKit;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// docs/API.md's proof test vector (the JSON block after <c>&lt;!-- proof-test-vector --&gt;</c>), read from the
/// document each time, and copies of it changed the way the tests tamper with it.
/// </summary>
public static class ProofVector
{
    public const string Contest = "PGUB-35";
    public const string TpsCode = "35.79.01.1001.001";
    public const string SiblingCode = "35.79.01.1001.002";

    public static string Api => File.ReadAllText(Path.Combine(Repository.Root, "docs", "API.md"));

    /// <summary>The vector as written in API.md.</summary>
    public static string Text()
    {
        var api = Api;
        var marker = api.IndexOf("<!-- proof-test-vector -->", StringComparison.Ordinal);
        Assert.True(marker >= 0, "docs/API.md has no proof test vector");
        var start = api.IndexOf("```json\n", marker, StringComparison.Ordinal) + "```json\n".Length;
        return api[start..api.IndexOf("\n```", start, StringComparison.Ordinal)];
    }

    public static JsonObject Node() => JsonNode.Parse(Text())!.AsObject();

    /// <summary>A digest of the digest test vector: the receipt of a form (a TPS code) or the published digest of a region.</summary>
    public static string Digest(string code) => DigestVectorTests.Vector()["digests"]![code]!.GetValue<string>();

    /// <summary>The published digest of the race's top, <c>35</c>, which the proof must end at.</summary>
    public static string Top => Digest("35");

    public static JsonObject Level(JsonObject proof, int i) => proof["levels"]![i]!.AsObject();

    public static string LevelText(JsonObject proof, int i) => Level(proof, i)["text"]!.GetValue<string>();

    /// <summary>Replaces a level's text, once exactly; with <paramref name="restate"/> the level's stated digest follows, as a careful forger's would.</summary>
    public static JsonObject ChangeText(JsonObject proof, int i, string from, string to, bool restate = true)
    {
        var text = LevelText(proof, i);
        var at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(from, at + 1, StringComparison.Ordinal) < 0, $"level {i}'s text holds \"{from}\" once");
        var changed = text[..at] + to + text[(at + from.Length)..];
        Level(proof, i)["text"] = changed;
        if (restate) Level(proof, i)["digest"] = Hash(changed);
        return proof;
    }

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Writes a proof where the verifier can read it, as <c>--save</c> would.</summary>
    public static string Save(JsonObject proof) => Save(proof.ToJsonString());

    public static string Save(string json)
    {
        var file = Path.Combine(Repository.TestResults, $"proof-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        return file;
    }

    /// <summary>The vector's first form (the TPS of the proof) in POST /api/v1/results' shape, changed by <paramref name="change"/>.</summary>
    public static string SaveForm(Action<JsonObject>? change = null)
    {
        var form = DigestVectorTests.Vector()["forms"]![0]!.DeepClone().AsObject();
        change?.Invoke(form);
        return Save(form.ToJsonString());
    }
}
