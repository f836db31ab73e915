using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// The server against API.md's digest test vector: the three forms posted to an untouched system must give the
/// documented digest at every level, in the tallies, their children lists and the export. The verifier is checked
/// against the same vector, so the document, the server and an independent implementation all agree.
/// </summary>
public class DigestTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    /// <summary>The JSON block after the marker in docs/API.md's "Digests" section.</summary>
    public static JsonObject Vector() => JsonNode.Parse(ApiDocument.JsonAfter("<!-- digest-test-vector -->"))!.AsObject();

    [Fact]
    public async Task The_documented_test_vector_gives_the_documented_digest_at_every_level()
    {
        var vector = Vector();
        var contest = vector["contest"]!.GetValue<string>();
        var forms = vector["forms"]!.AsArray();
        foreach (var form in forms)
        {
            var (status, body) = await host.SendAsync(HttpMethod.Post, "/api/v1/results", form!.DeepClone());
            Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");
        }
        await Eventually.HoldsAsync(async () =>
        {
            var province = await host.GetJsonAsync($"/api/v1/tally/{contest}/35");
            return (province.GetProperty("tpsReported").GetInt32() == forms.Count, $"province tpsReported {province.GetProperty("tpsReported")}");
        }, TimeSpan.FromSeconds(30), "every form reaches the province");

        var expected = vector["digests"]!.AsObject().ToDictionary(d => d.Key, d => d.Value!.GetValue<string>());
        foreach (var (code, digest) in expected)
        {
            var tally = await host.GetJsonAsync($"/api/v1/tally/{contest}/{code}");
            Assert.True(digest == tally.GetProperty("digest").GetString(), $"{code}: {tally}");
        }
        // A child list carries the same digests, and a region with nothing below it has none.
        var villages = (await host.GetJsonAsync($"/api/v1/tally/{contest}/35.79.01/children")).EnumerateArray().ToList();
        Assert.Equal(expected["35.79.01.1001"], villages.Single(v => v.GetProperty("region").GetString() == "35.79.01.1001").GetProperty("digest").GetString());
        Assert.Equal(JsonValueKind.Null, villages.Single(v => v.GetProperty("region").GetString() == "35.79.01.1003").GetProperty("digest").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await host.GetJsonAsync($"/api/v1/tally/{contest}/35.78")).GetProperty("digest").ValueKind);

        using var export = await host.CreateClient().GetAsync($"/api/v1/export/{contest}.csv");
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",accepted_at,digest", lines[0]);
        foreach (var row in lines.Skip(1))
        {
            var tps = row[..row.IndexOf(',')];
            Assert.Equal(expected[tps], row[(row.LastIndexOf(',') + 1)..]);
        }
        Assert.Equal(forms.Count, lines.Length - 1);

        // The proof of the first form is API.md's proof test vector, field for field: the document, the server and the
        // checkers (ProofCheckTests, the verifier, a few lines of Python) all agree on it.
        var proof = JsonNode.Parse((await host.GetJsonAsync($"/api/v1/proof/{contest}/35.79.01.1001.001")).GetRawText());
        Assert.True(JsonNode.DeepEquals(ProofVector(), proof), $"the proof served differs from API.md's vector: {proof}");
    }

    /// <summary>The JSON block after the marker in docs/API.md's "Receipts and inclusion proofs" section.</summary>
    public static JsonNode ProofVector() => JsonNode.Parse(ApiDocument.JsonAfter("<!-- proof-test-vector -->"))!;
}
