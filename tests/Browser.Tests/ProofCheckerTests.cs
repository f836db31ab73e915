using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Browser.Tests.Infrastructure;

namespace KpuOrleans.Browser.Tests;

/// <summary>
/// The page's own checker (wwwroot/proof.js, run in Chromium with its Web Crypto) on API.md's proof test vector, as
/// written there: it holds, and each way of tampering with it breaks at the level API.md's checking steps name.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProofCheckerTests(BrowserFixture browsers)
{
    private const string Top = "eff4ceb8c1b731a99c7e9e4c9d49d757b98827f66dbfd74451874f54f96da9f6";

    private static JsonObject Vector()
    {
        var api = File.ReadAllText(Path.Combine(Repository.Root, "docs", "API.md"));
        var marker = api.IndexOf("<!-- proof-test-vector -->", StringComparison.Ordinal);
        Assert.True(marker >= 0, "API.md has no proof test vector");
        var start = api.IndexOf("```json", marker, StringComparison.Ordinal) + "```json".Length;
        var end = api.IndexOf("```", start, StringComparison.Ordinal);
        return JsonNode.Parse(api[start..end])!.AsObject();
    }

    private static JsonObject Tampered(Action<JsonArray> change)
    {
        var proof = Vector();
        change(proof["levels"]!.AsArray());
        return proof;
    }

    private static void EditText(JsonArray levels, int index, Func<string, string> edit)
    {
        var text = levels[index]!["text"]!.GetValue<string>();
        var changed = edit(text);
        Assert.NotEqual(text, changed);
        levels[index]!["text"] = changed;
    }

    [Fact]
    public async Task The_pages_checker_holds_on_the_API_md_vector_and_names_the_level_of_each_tampering()
    {
        var vector = Vector();
        var receipt = vector["digest"]!.GetValue<string>();
        var cases = new (string Name, JsonObject Proof, string Receipt, int? BreaksAt, string? Reason, string? Level)[]
        {
            ("as written", vector, receipt, null, null, null),
            ("another receipt", Vector(), Top, 0, "breakReceipt", "35.79.01.1001.001"),
            ("a changed number in the TPS's form", Tampered(l => EditText(l, 0, t => t.Replace("votes.1 40\n", "votes.1 41\n"))), receipt, 0, "breakReceipt", "35.79.01.1001.001"),
            ("a changed number in the village", Tampered(l => EditText(l, 1, t => t.Replace("votes.2 270\n", "votes.2 271\n"))), receipt, 1, "breakNotCounted", "35.79.01.1001"),
            ("the district's child lines swapped", Tampered(l => EditText(l, 2, SwapChildLines)), receipt, 2, "breakNotCounted", "35.79.01"),
            ("the regency's lines reordered", Tampered(l => EditText(l, 3, t => t.Replace("valid 941\ninvalid 17\n", "invalid 17\nvalid 941\n"))), receipt, 3, "breakNotCounted", "35.79"),
            ("a changed number at the top", Tampered(l => EditText(l, 4, t => t.Replace("voted 958\n", "voted 959\n"))), receipt, 4, "breakTop", "35"),
            ("the path cut below the top", Tampered(l => l.RemoveAt(4)), receipt, 4, "breakShort", "35"),
            ("two levels swapped", Tampered(l => { var village = l[1]!.DeepClone(); l[1] = l[2]!.DeepClone(); l[2] = village; }), receipt, 0, "breakWrongParent", "35.79.01.1001.001"),
        };

        await using var session = await browsers.OpenAsync(nameof(ProofCheckerTests));
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
            foreach (var (name, proof, given, breaksAt, reason, level) in cases)
            {
                var outcome = await page.EvaluateAsync<JsonElement>(
                    """
                    async ([proofText, receipt, top]) => {
                      const { checkProof } = await import('/proof.js');
                      const proof = JSON.parse(proofText);
                      const ask = { contest: 'PGUB-35', tps: '35.79.01.1001.001', receipt, scope: '35' };
                      const result = await checkProof(proof, ask, [null, top], async () => null);
                      return {
                        broken: result.broken ? result.broken.index : null,
                        reason: result.broken ? result.broken.reason : null,
                        region: result.broken ? result.levels[result.broken.index].region : null,
                        states: result.levels.map((l) => l.state),
                        digests: result.levels.map((l) => l.digest),
                      };
                    }
                    """, new object[] { proof.ToJsonString(), given, Top });
                var states = outcome.GetProperty("states").EnumerateArray().Select(s => s.GetString()).ToArray();
                if (breaksAt is null)
                {
                    Assert.True(outcome.GetProperty("broken").ValueKind == JsonValueKind.Null, $"{name}: {outcome}");
                    Assert.All(states, s => Assert.Equal("ok", s));
                    // Every digest recomputed in the browser is the one API.md gives beside its text.
                    var written = vector["levels"]!.AsArray().Select(l => l!["digest"]!.GetValue<string>());
                    Assert.Equal(written, outcome.GetProperty("digests").EnumerateArray().Select(d => d.GetString()));
                    continue;
                }
                Assert.True(outcome.GetProperty("broken").ValueKind == JsonValueKind.Number, $"{name}: not broken: {outcome}");
                Assert.True(breaksAt == outcome.GetProperty("broken").GetInt32(), $"{name}: {outcome}");
                Assert.True(reason == outcome.GetProperty("reason").GetString(), $"{name}: {outcome}");
                Assert.True(level == outcome.GetProperty("region").GetString(), $"{name}: {outcome}");
                Assert.All(states.Take(breaksAt.Value), s => Assert.Equal("ok", s));
                Assert.Equal("broken", states[breaksAt.Value]);
            }
        });
    }

    private static string SwapChildLines(string text)
    {
        var lines = text.Split('\n');
        var children = Enumerable.Range(0, lines.Length).Where(i => lines[i].StartsWith("child ", StringComparison.Ordinal)).ToArray();
        Assert.True(children.Length >= 2, text);
        (lines[children[0]], lines[children[1]]) = (lines[children[1]], lines[children[0]]);
        return string.Join('\n', lines);
    }
}
