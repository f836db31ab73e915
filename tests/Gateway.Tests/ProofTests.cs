using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Proofs;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// API.md "Receipts and inclusion proofs" on the embedded system: the 201's receipt is where the proof starts, the proof
/// hashes up to the published digest of the race's top, and every refusal is the documented one. The host is shared by
/// the class, so each test owns its TPS.
/// </summary>
public class ProofTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private const string Governor = "PGUB-35";
    private static readonly Contest Race = Jatim.Registry.FindContest(Governor)!;

    [Fact]
    public async Task After_one_form_the_proof_starts_at_its_receipt_and_hashes_up_to_the_published_digest_of_the_province()
    {
        var tps = Jatim.Registry.Get("35.78.01.1001.001");
        var form = SampleForms.Valid(tps, Race, new Random(2001));
        var (status, accepted) = await host.PostFormAsync(form);
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {accepted}");
        var receipt = accepted.GetProperty("digest").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", receipt);

        var (proof, json) = await LiveProofAsync(Governor, tps.Code);
        Assert.Equal(receipt, json.GetProperty("digest").GetString());
        Assert.Equal(receipt, proof.Levels[0].Digest);
        Assert.Equal(["35.78.01.1001.001", "35.78.01.1001", "35.78.01", "35.78", "35"], proof.Levels.Select(l => l.Region));
        Assert.Equal(["tps", "village", "district", "regency", "province"], json.GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("level").GetString()));
        Assert.Equal("live", json.GetProperty("against").GetString());
        Assert.Equal((1, 1), (json.GetProperty("version").GetInt64(), json.GetProperty("latestVersion").GetInt64()));
        // The TPS's text is the form's own numbers, as API.md's "Digests" writes them.
        Assert.Equal(TpsText(form), proof.Levels[0].Text);
        Assert.Contains($"\ncontest {Governor}\n", proof.Levels[^1].Text);

        // The same form again is a 200 with the same receipt; the history carries it too.
        var (again, repeated) = await host.PostFormAsync(form);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(receipt, repeated.GetProperty("digest").GetString());
        var history = await host.GetJsonAsync($"/api/v1/tps/{tps.Code}/results/{Governor}");
        Assert.Equal(receipt, history.GetProperty("current").GetProperty("digest").GetString());
    }

    [Fact]
    public async Task A_correction_moves_the_proof_to_the_new_version_and_the_old_receipt_breaks_at_the_TPS()
    {
        var tps = FirstTps("35.78.02");
        var first = SampleForms.Valid(tps, Race, new Random(2002));
        var oldReceipt = (await AcceptAsync(first)).GetProperty("digest").GetString()!;
        var correction = SampleForms.Correction(first, tps, Race, new Random(2003));
        var newReceipt = (await AcceptAsync(correction)).GetProperty("digest").GetString()!;
        Assert.NotEqual(oldReceipt, newReceipt);

        await Eventually.HoldsAsync(async () =>
        {
            var (proof, _) = await LiveProofAsync(Governor, tps.Code);
            return (proof.Version == 2, $"the proof counts version {proof.Version}");
        }, TimeSpan.FromSeconds(30), "the correction reaches the province");
        var (latest, _) = await LiveProofAsync(Governor, tps.Code);
        Assert.Equal(newReceipt, latest.Digest);
        var broken = ProofCheck.Check(latest, Race, receipt: oldReceipt);
        Assert.NotNull(broken);
        Assert.Equal((tps.Code, Level.Tps), (broken.Region, broken.Level));
        Assert.Contains("version 2", broken.Reason);

        // Each version in the history carries its own receipt.
        var history = await host.GetJsonAsync($"/api/v1/tps/{tps.Code}/results/{Governor}");
        Assert.Equal([oldReceipt, newReceipt], history.GetProperty("history").EnumerateArray().Select(v => v.GetProperty("digest").GetString()));
    }

    [Fact]
    public async Task A_batch_item_accepted_carries_its_receipt()
    {
        var tps = FirstTps("35.78.03");
        var form = SampleForms.Valid(tps, Race, new Random(2004));
        var (status, body) = await host.SendAsync(HttpMethod.Post, "/api/v1/results/batch", new JsonObject { ["forms"] = new JsonArray(ApiJson.Form(form)) });
        Assert.Equal(HttpStatusCode.OK, status);
        var item = body.GetProperty("results")[0];
        Assert.Equal(201, item.GetProperty("status").GetInt32());
        Assert.Equal(TallyDigestOf(form), item.GetProperty("body").GetProperty("digest").GetString());
    }

    [Fact]
    public async Task A_regency_race_s_proof_ends_at_its_regency()
    {
        var tps = FirstTps("35.78.04");
        var mayor = Jatim.Registry.FindContest("PWAL-35.78")!;
        var receipt = (await AcceptAsync(SampleForms.Valid(tps, mayor, new Random(2005)))).GetProperty("digest").GetString()!;
        var (proof, _) = await LiveProofAsync(mayor.Id, tps.Code);
        Assert.Equal(receipt, proof.Digest);
        Assert.Equal("35.78", proof.Top.Region);
        Assert.Null(ProofCheck.Check(proof, mayor, receipt));
    }

    [Fact]
    public async Task Refusals_are_the_documented_problems_and_answers_carry_a_strong_ETag()
    {
        var counted = FirstTps("35.78.05");
        await AcceptAsync(SampleForms.Valid(counted, Race, new Random(2006)));
        await LiveProofAsync(Governor, counted.Code);

        await AssertProblemAsync($"/api/v1/proof/PGUB-99/{counted.Code}", 404, "Not found", "PGUB-99");
        await AssertProblemAsync($"/api/v1/proof/{Governor}/{counted.Parent}", 404, "Not found", "not a TPS");
        await AssertProblemAsync($"/api/v1/proof/{Governor}/{counted.Parent}.999", 404, "Not found", "not a TPS");
        await AssertProblemAsync($"/api/v1/proof/PWAL-35.79/{counted.Code}", 404, "Not found", "does not cover");
        var none = await AssertProblemAsync($"/api/v1/proof/{Governor}/{Jatim.Registry.TpsUnder("35.78.05").ElementAt(1).Code}", 404, "Not counted", "no accepted form");
        Assert.Equal("https://kpu-orleans.id/problems/not-counted", none.GetProperty("type").GetString());
        Assert.Equal(0, none.GetProperty("latestVersion").GetInt64());
        var bad = await AssertProblemAsync($"/api/v1/proof/{Governor}/{counted.Code}?certificate=latest", 400, "Bad request", "none");
        Assert.True(bad.GetProperty("errors").TryGetProperty("certificate", out _), bad.ToString());
        var offPath = await AssertProblemAsync($"/api/v1/proof/{Governor}/{counted.Code}?certificate=35.01", 404, "Not found", "not a region on the path");
        Assert.True(offPath.GetProperty("errors").TryGetProperty("certificate", out _), offPath.ToString());
        await AssertProblemAsync($"/api/v1/proof/{Governor}/{counted.Code}?certificate=35.78", 404, "Not found", "No certificate");
        await AssertProblemAsync($"/api/v1/proof/{Governor}/{counted.Code}?certificate={new string('a', 64)}", 404, "Not found", "No certificate");

        using var client = host.CreateClient();
        using var first = await client.GetAsync($"/api/v1/proof/{Governor}/{counted.Code}?certificate=none");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.Equal("public, max-age=1, stale-while-revalidate=10", first.Headers.CacheControl?.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/proof/{Governor}/{counted.Code}?certificate=none");
        request.Headers.IfNoneMatch.Add(etag);
        using var again = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/proof/{Governor}/{counted.Code}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task Proofs_read_while_forms_arrive_either_check_or_say_to_retry_and_end_on_the_exact_state()
    {
        var district = Jatim.Registry.Get("35.78.06");
        var stations = Jatim.Registry.TpsUnder(district.Code).ToList();
        var watched = stations[0];
        await AcceptAsync(SampleForms.Valid(watched, Race, new Random(2007)));
        await LiveProofAsync(Governor, watched.Code);
        var random = new Random(2008);
        var forms = stations.Skip(1).Select(tps => SampleForms.Valid(tps, Race, random)).ToList();

        var sending = Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (form, _) => await AcceptAsync(form));
        var (proved, retried) = (0, 0);
        using var client = host.CreateClient();
        while (!sending.IsCompleted)
        {
            using var response = await client.GetAsync($"/api/v1/proof/{Governor}/{watched.Code}");
            var body = await GatewayHost.ReadBodyAsync(response);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                retried++;
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
            var proof = ProofJson.Read(body);
            Assert.True(ProofCheck.Check(proof, Race) is null, $"{ProofCheck.Check(proof, Race)}: {body}");
            proved++;
        }
        await sending;

        await Eventually.HoldsAsync(async () =>
        {
            var (proof, _) = await LiveProofAsync(Governor, watched.Code);
            var village = proof.Levels[1].Text;
            var reported = Jatim.Registry.TpsUnder(watched.Parent!).Count(tps => village.Contains($"\nchild {tps.Code} ", StringComparison.Ordinal));
            return (reported == Jatim.Registry.TpsUnder(watched.Parent!).Count(), $"{reported} TPS of the village in the proof");
        }, TimeSpan.FromSeconds(30), "the last proof shows the whole village");
        Console.WriteLine($"{proved} proofs checked and {retried} answered 503 while {forms.Count} forms arrived");
    }

    private static RegionInfo FirstTps(string district) => Jatim.Registry.TpsUnder(district).First();

    private async Task<JsonElement> AcceptAsync(ResultForm form)
    {
        var (status, body) = await host.PostFormAsync(form);
        Assert.True(status == HttpStatusCode.Created, $"{form.Tps} {form.Contest} v{form.Version}: {(int)status} {body}");
        return body;
    }

    /// <summary>
    /// The live proof once it reaches the race's top (forms climb a level per flush), checked as an outside reader would:
    /// its top's digest equals the one the top publishes just before or just after it.
    /// </summary>
    private async Task<(InclusionProof Proof, JsonElement Json)> LiveProofAsync(string contest, string tps)
    {
        var race = Jatim.Registry.FindContest(contest)!;
        (InclusionProof, JsonElement) result = default;
        await Eventually.HoldsAsync(async () =>
        {
            var before = (await host.GetJsonAsync($"/api/v1/tally/{contest}/{race.Scope}")).GetProperty("digest").GetString();
            var (status, json) = await host.SendAsync(HttpMethod.Get, $"/api/v1/proof/{contest}/{tps}?certificate=none");
            var after = (await host.GetJsonAsync($"/api/v1/tally/{contest}/{race.Scope}")).GetProperty("digest").GetString();
            if (status != HttpStatusCode.OK) return (false, $"{(int)status} {json}");
            var proof = ProofJson.Read(json);
            var broken = ProofCheck.Check(proof, race, publishedTop: proof.Top.Digest == before ? before : after);
            result = (proof, json);
            return (broken is null, broken?.ToString() ?? "");
        }, TimeSpan.FromSeconds(30), $"a proof of {tps} in {contest} that checks against the published top");
        return result;
    }

    private async Task<JsonElement> AssertProblemAsync(string path, int status, string title, string detail)
    {
        using var response = await host.CreateClient().GetAsync(path);
        var body = await GatewayHost.ReadBodyAsync(response);
        Assert.True((int)response.StatusCode == status, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(title, body.GetProperty("title").GetString());
        Assert.Contains(detail, body.GetProperty("detail").GetString());
        return body;
    }

    private static string TallyDigestOf(ResultForm form) => Tallies.TallyDigest.OfForm(form, Jatim.Registry.FindContest(form.Contest)!);

    /// <summary>API.md's TPS text, written out here from the document rather than taken from the server's encoder.</summary>
    private static string TpsText(ResultForm form) =>
        $"kpu-orleans tps v1\ncontest {form.Contest}\ntps {form.Tps}\nversion {form.Version}\nregistered {form.Registered}\n" +
        $"voted.dpt {form.Voted.Dpt}\nvoted.dptb {form.Voted.Dptb}\nvoted.dpk {form.Voted.Dpk}\n" +
        $"ballots.received {form.Ballots.Received}\nballots.used {form.Ballots.Used}\nballots.spoiled {form.Ballots.Spoiled}\nballots.unused {form.Ballots.Unused}\n" +
        string.Concat(form.Votes.OrderBy(v => int.Parse(v.Key)).Select(v => $"votes.{v.Key} {v.Value}\n")) +
        $"valid {form.Valid}\ninvalid {form.Invalid}\n";
}
