using System.Text.Json.Nodes;
using KpuOrleans.TestKit;
using KpuOrleans.Verifier.Checking;
using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;
using KpuOrleans.Verifier.Tallies;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// docs/API.md's digest test vector, recomputed by the verifier from the forms alone. The server is held to the same
/// vector (Gateway.Tests' DigestTests), so the document, the server and this second implementation all agree.
/// </summary>
public class DigestVectorTests
{
    private static readonly string Api = File.ReadAllText(Path.Combine(Repository.Root, "docs", "API.md"));

    /// <summary>The JSON block after the marker in API.md's "Digests" section.</summary>
    public static JsonObject Vector()
    {
        var marker = Api.IndexOf("<!-- digest-test-vector -->", StringComparison.Ordinal);
        Assert.True(marker >= 0, "docs/API.md has no digest test vector");
        var start = Api.IndexOf("```json\n", marker, StringComparison.Ordinal) + "```json\n".Length;
        return JsonNode.Parse(Api[start..Api.IndexOf("\n```", start, StringComparison.Ordinal)])!.AsObject();
    }

    /// <summary>API.md's fenced example that begins with <paramref name="header"/>, with its final LF.</summary>
    private static string Example(string header)
    {
        var start = Api.IndexOf("```\n" + header + "\n", StringComparison.Ordinal) + "```\n".Length;
        return Api[start..(Api.IndexOf("```", start, StringComparison.Ordinal))];
    }

    private static ContestInfo Contest(string id)
    {
        var contest = Jatim.Registry.FindContest(id)!;
        return new ContestInfo(contest.Id, contest.Kind, contest.Scope, contest.Name, [.. contest.Candidates.Select(c => c.Number)]);
    }

    /// <summary>A vector form as the export row it becomes; the digest column is left to the caller.</summary>
    public static FormRow Row(JsonNode form, ContestInfo contest, string digest = "")
    {
        long N(JsonNode? value) => value!.GetValue<long>();
        return new FormRow(form["tps"]!.GetValue<string>(), N(form["version"]), N(form["registered"]),
            N(form["voted"]!["dpt"]), N(form["voted"]!["dptb"]), N(form["voted"]!["dpk"]),
            N(form["ballots"]!["received"]), N(form["ballots"]!["used"]), N(form["ballots"]!["spoiled"]), N(form["ballots"]!["unused"]),
            [.. contest.Ballot.Select(n => N(form["votes"]![n]))], N(form["valid"]), N(form["invalid"]), "2024-11-27T06:00:00.0000000Z", digest);
    }

    [Fact]
    public void Every_digest_of_the_vector_is_recomputed_from_its_forms()
    {
        var vector = Vector();
        var contest = Contest(vector["contest"]!.GetValue<string>());
        var rows = vector["forms"]!.AsArray().Select(f => Row(f!, contest)).ToList();

        var tallies = Recomputation.Recompute(contest, rows);

        var expected = vector["digests"]!.AsObject().ToDictionary(d => d.Key, d => d.Value!.GetValue<string>());
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), tallies.Keys.Order(StringComparer.Ordinal));
        foreach (var (code, digest) in expected) Assert.True(digest == tallies[code].Digest, $"{code}: documented {digest}, recomputed {tallies[code].Digest}");
    }

    [Fact]
    public void The_canonical_texts_are_the_documented_examples()
    {
        var vector = Vector();
        var contest = Contest(vector["contest"]!.GetValue<string>());
        var rows = vector["forms"]!.AsArray().Select(f => Row(f!, contest)).ToList();
        var village = Recomputation.Recompute(contest, rows.Take(2))["35.79.01.1001"];

        Assert.Equal(Example("kpu-orleans tps v1"), DigestEncoding.TpsText(contest, rows[0]));
        Assert.Equal(Example("kpu-orleans region v1"), DigestEncoding.RegionText(contest, "35.79.01.1001", village,
            [(rows[1].Tps, DigestEncoding.OfForm(contest, rows[1])), (rows[0].Tps, DigestEncoding.OfForm(contest, rows[0]))]));
    }

    [Fact]
    public void The_vector_forms_keep_every_rule_with_their_documented_digests()
    {
        var vector = Vector();
        var contest = Contest(vector["contest"]!.GetValue<string>());
        var digests = vector["digests"]!.AsObject();
        foreach (var form in vector["forms"]!.AsArray())
        {
            var row = Row(form!, contest, digests[form!["tps"]!.GetValue<string>()]!.GetValue<string>());
            Assert.Empty(RowRules.Breaches(contest, row));
        }
    }
}
