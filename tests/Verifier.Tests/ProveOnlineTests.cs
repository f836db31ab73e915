using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static KpuOrleans.Verifier.Tests.ProofVector;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// <c>prove --api</c> against a stand-in gateway serving API.md's proof vector: the top is held against the scope's
/// tally read before and after the proof (everything read again when it matches neither), a proof against a
/// certificate against the register of certificates, and a 404 "Not counted" breaks at the TPS.
/// </summary>
public class ProveOnlineTests(ITestOutputHelper log)
{
    private const string ProofPath = $"/api/v1/proof/{Contest}/{TpsCode}";
    private const string TallyPath = $"/api/v1/tally/{Contest}/35";
    private const string CertificatesPath = $"/api/v1/export/{Contest}/certificates.json";

    private static StandInApi Gateway(string? proof = null)
    {
        var api = new StandInApi();
        api.Json("/api/v1/contests", () => new JsonArray(new JsonObject
        {
            ["id"] = Contest, ["kind"] = "governor", ["scope"] = "35", ["name"] = "Pemilihan Gubernur Jawa Timur",
            ["candidates"] = new JsonArray([.. new[] { "1", "2", "3" }.Select(n => (JsonNode)new JsonObject { ["number"] = n, ["names"] = $"Pair {n}", ["emptyColumn"] = false })]),
        }).ToJsonString());
        api.Json(TallyPath, () => Tally("35", Top));
        var body = proof ?? Text();
        api.Json(ProofPath, () => body);
        return api;
    }

    private static string Tally(string region, string? digest, JsonObject? certified = null) => Certificate.Tally(region, digest, certified).ToJsonString();

    private async Task<VerifierRun> ProveAsync(StandInApi api, params string[] more)
    {
        var run = await VerifierRun.RunAsync(["prove", "--contest", Contest, "--tps", TpsCode, "--receipt", Digest(TpsCode), "--api", api.Address.ToString(), .. more]);
        log.WriteLine(run.ToString());
        log.WriteLine(string.Join('\n', api.Requests));
        return run;
    }

    [Fact]
    public async Task A_proof_ending_at_the_published_top_is_inside_and_saved_as_answered()
    {
        await using var api = Gateway();
        var saved = Path.Combine(KpuOrleans.TestKit.Repository.TestResults, $"saved-{Guid.NewGuid():N}.json");

        var run = await ProveAsync(api, "--save", saved);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"[ok] 35 (province) Jawa Timur {Top} (the published digest, GET api/v1/tally/{Contest}/35, read before and after the proof)", run.Lines);
        Assert.Equal($"inside the live total: {Contest} {TpsCode} version 1 is counted in 35's published digest {Top}", run.Lines[^1]);
        Assert.Equal(["/api/v1/contests", TallyPath, ProofPath, TallyPath], api.Requests);
        Assert.Equal(Text(), File.ReadAllText(saved));
    }

    [Fact]
    public async Task A_top_read_between_two_other_tops_is_read_again_until_it_matches()
    {
        await using var api = Gateway();
        var reads = 0;
        // The first two attempts see the top move past the proof's; the third reads the proof's top before it.
        api.Json(TallyPath, () => Tally("35", ++reads <= 4 ? Digest("35.79") : Top));

        var run = await ProveAsync(api);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.Lines, l => l.StartsWith("the published top moved while the proof was read", StringComparison.Ordinal) && l.EndsWith("(3 of 3)", StringComparison.Ordinal));
        Assert.Equal(3, api.Requests.Count(r => r == ProofPath));
    }

    [Fact]
    public async Task A_top_that_is_never_the_published_one_breaks_at_the_top_after_three_reads()
    {
        await using var api = Gateway();
        api.Json(TallyPath, () => Tally("35", Digest("35.79")));

        var run = await ProveAsync(api);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"breaks at 35 (province): its text hashes to {Top}, not to the published digest (GET api/v1/tally/{Contest}/35, read before and after the proof: {Digest("35.79")})",
            run.Lines[^1]);
        Assert.Equal(3, api.Requests.Count(r => r == ProofPath));
    }

    [Fact]
    public async Task Not_counted_breaks_at_the_TPS_saying_so()
    {
        await using var api = Gateway();
        api.Routes[ProofPath] = () => (404, "application/problem+json", new JsonObject
        {
            ["type"] = "https://kpu-orleans.id/problems/not-counted", ["title"] = "Not counted", ["status"] = 404,
            ["detail"] = $"No form of {TpsCode} is counted in {Contest}.", ["latestVersion"] = 0,
        }.ToJsonString());

        var run = await ProveAsync(api);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"breaks at {TpsCode} (tps): not counted yet: No form of {TpsCode} is counted in {Contest} (latest accepted version: 0)", run.Lines[^1]);
        Assert.Equal(1, api.Requests.Count(r => r == ProofPath));
    }

    [Fact]
    public async Task Another_404_is_not_a_verdict_but_evidence_not_had()
    {
        await using var api = Gateway();
        api.Routes[ProofPath] = () => (404, "application/problem+json", "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"35.79.01.1001.001 is not a TPS\"}");

        var run = await ProveAsync(api);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("answered 404: 35.79.01.1001.001 is not a TPS", run.Error);
    }

    /// <summary>The vector ended at its district's certificate, as <c>?certificate=35.79.01</c> would have it.</summary>
    private static string DistrictProof()
    {
        var proof = Node();
        proof["against"] = "certificate";
        proof["levels"]!.AsArray().RemoveAt(4);
        proof["levels"]!.AsArray().RemoveAt(3);
        Level(proof, 2)["certified"] = Certificate.Mark(Digest("35.79.01"));
        return proof.ToJsonString();
    }

    [Theory]
    [InlineData(false, false, null, 0, "inside the certified total: PGUB-35 35.79.01.1001.001 version 1 is counted in 35.79.01's certified digest")]
    [InlineData(true, false, null, 1, "breaks at 35.79.01 (district): no certificate of it is in force (GET api/v1/export/PGUB-35/certificates.json)")]
    [InlineData(false, true, null, 1, "breaks at 35.79 (regency): missing: the proof ends at 35.79.01's certificate, below 35.79's, which is in force on the path")]
    [InlineData(false, true, "35.79.01", 0, "inside the certified total: ")]
    public async Task A_proof_against_a_certificate_needs_it_in_force_and_the_highest_on_the_path_unless_asked(bool withdrawn, bool regencyCertified,
        string? asked, int exitCode, string verdict)
    {
        await using var api = Gateway(DistrictProof());
        JsonNode[] register = [Certificate.Entry("35.79.01", Digest("35.79.01"), withdrawn)];
        if (regencyCertified) register = [.. register, Certificate.Entry("35.79", Digest("35.79"), withdrawn: false)];
        api.Json(CertificatesPath, () => new JsonArray(register).ToJsonString());

        var run = await ProveAsync(api, asked is null ? [] : ["--certificate", asked]);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.StartsWith(verdict, run.Lines[^1]);
        Assert.Contains(asked is null ? ProofPath : $"{ProofPath}?certificate={asked}", api.Requests);
    }
}

/// <summary>Certificates and tallies as API.md's "Certification" writes them, for the stand-in to serve.</summary>
internal static class Certificate
{
    public static JsonObject Mark(string digest) => new() { ["by"] = "anonymous", ["at"] = "2024-11-28T10:00:00.0000000Z", ["digest"] = digest };

    public static JsonObject Tally(string region, string? digest, JsonObject? certified = null) => new()
    {
        ["contest"] = ProofVector.Contest, ["region"] = region, ["level"] = Evidence.RegionCode.Level(region), ["name"] = region,
        ["votes"] = new JsonObject { ["1"] = 120, ["2"] = 470, ["3"] = 351 },
        ["valid"] = 941, ["invalid"] = 17, ["voted"] = 958, ["registered"] = 1574, ["registeredReported"] = 1574,
        ["tpsReported"] = 3, ["tpsExpected"] = 3, ["anomalies"] = 0, ["version"] = 3, ["updatedAt"] = "2024-11-28T09:00:00.0000000Z",
        ["digest"] = digest, ["certified"] = certified,
    };

    public static JsonObject Entry(string region, string digest, bool withdrawn) => new()
    {
        ["contest"] = ProofVector.Contest, ["region"] = region, ["level"] = Evidence.RegionCode.Level(region), ["name"] = region, ["digest"] = digest,
        ["certifiedBy"] = "anonymous", ["certifiedAt"] = "2024-11-28T10:00:00.0000000Z", ["tally"] = Tally(region, digest),
        ["withdrawn"] = withdrawn ? new JsonObject { ["by"] = "anonymous", ["at"] = "2024-11-28T11:00:00.0000000Z", ["reason"] = "Rekapitulasi ulang" } : null,
    };
}
