using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Proofs;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Issue 20's proofs over a whole small regency, Kota Batu (302 TPS, 3 districts), in its mayor's race, through an
/// authenticating gateway: every TPS proves against the live top and then against the certificates, and a form corrected
/// after certification fails against the new certificate at the TPS.
/// </summary>
public class ProofCertificationTests(AuthTests.AuthHost host) : IClassFixture<AuthTests.AuthHost>
{
    private const string Regency = "35.79";
    private static readonly Contest Mayor = Jatim.Registry.FindContest("PWAL-35.79")!;
    private static readonly IReadOnlyList<string> Districts = Jatim.Registry.Get(Regency).Children;

    private readonly HttpClient _client = host.CreateClient();

    [Fact]
    public async Task Every_TPS_of_a_regency_proves_against_the_live_top_and_the_certificates_and_a_later_correction_breaks_at_the_TPS()
    {
        var random = new Random(2020);
        var forms = Jatim.Registry.TpsUnder(Regency).Select(tps => SampleForms.Valid(tps, Mayor, random)).ToList();
        var receipts = new Dictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (form, _) =>
        {
            var answer = await SendAsync(HttpMethod.Post, "/api/v1/results", Token(form.Tps, "kpps"), ApiJson.Form(form));
            Assert.True(answer.Status == HttpStatusCode.Created, $"{form.Tps}: {answer}");
            lock (receipts) receipts[form.Tps] = answer.Body.GetProperty("digest").GetString()!;
        });
        await Eventually.HoldsAsync(async () =>
        {
            var top = await TallyAsync(Regency);
            return (top.GetProperty("tpsReported").GetInt32() == forms.Count, $"tpsReported {top.GetProperty("tpsReported")}");
        }, TimeSpan.FromSeconds(60), "every form reaches the regency");

        // Live: every proof starts at its receipt and ends at the digest the regency publishes.
        var published = (await TallyAsync(Regency)).GetProperty("digest").GetString()!;
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (form, _) =>
        {
            var proof = await ProofAsync(form.Tps);
            Assert.False(proof.AgainstCertificate);
            Assert.True(ProofCheck.Check(proof, Mayor, receipts[form.Tps], published) is null,
                $"{form.Tps}: {ProofCheck.Check(proof, Mayor, receipts[form.Tps], published)}");
        });

        // Certified bottom up: by default every proof now ends at the regency's certificate, through its district's.
        foreach (var district in Districts) await CertifyAsync(district, "ppk");
        var certificate = await CertifyAsync(Regency, "kabkota");
        var certified = certificate.GetProperty("digest").GetString()!;
        Assert.Equal(published, certified);
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (form, _) =>
        {
            var proof = await ProofAsync(form.Tps, query: "");
            Assert.True(proof.AgainstCertificate, form.Tps);
            Assert.Equal(Regency, proof.Top.Region);
            Assert.Equal(certified, proof.Top.Certified?.Digest);
            Assert.NotNull(proof.Levels.Single(l => l.Level == Level.District).Certified);
            Assert.True(ProofCheck.Check(proof, Mayor, receipts[form.Tps]) is null, $"{form.Tps}: {ProofCheck.Check(proof, Mayor, receipts[form.Tps])}");
        });
        // Asked to end at the district's certificate, or at the regency's by its digest.
        var first = forms[0].Tps;
        var atDistrict = await ProofAsync(first, $"?certificate={DistrictOf(first)}");
        Assert.Equal((DistrictOf(first), true), (atDistrict.Top.Region, atDistrict.AgainstCertificate));
        Assert.Equal(Regency, (await ProofAsync(first, $"?certificate={certified}")).Top.Region);

        // A correction after certification: withdrawn top down, corrected, certified again.
        var corrected = forms[0];
        var correctedDistrict = DistrictOf(corrected.Tps);
        var oldProof = await ProofAsync(corrected.Tps, query: "");
        await WithdrawAsync(Regency, "kabkota");
        await WithdrawAsync(correctedDistrict, "ppk");
        var correction = SampleForms.Correction(corrected, Jatim.Registry.Get(corrected.Tps), Mayor, new Random(2021));
        var answer = await SendAsync(HttpMethod.Post, "/api/v1/results", Token(Jatim.Registry.Get(corrected.Tps).Parent!, "pps"), ApiJson.Form(correction));
        Assert.True(answer.Status == HttpStatusCode.Created, answer.ToString());
        await Eventually.HoldsAsync(async () =>
        {
            var version = (await TallyAsync(Regency)).GetProperty("version").GetInt64();
            return (version == forms.Count + 1, $"regency version {version}");
        }, TimeSpan.FromSeconds(30), "the correction reaches the regency");
        await CertifyAsync(correctedDistrict, "ppk");
        var recertified = (await CertifyAsync(Regency, "kabkota")).GetProperty("digest").GetString()!;
        Assert.NotEqual(certified, recertified);

        var newProof = await ProofAsync(corrected.Tps, query: "");
        Assert.Equal(recertified, newProof.Top.Certified?.Digest);
        var broken = ProofCheck.Check(newProof, Mayor, receipt: receipts[corrected.Tps]);
        Assert.NotNull(broken);
        Assert.Equal((corrected.Tps, Level.Tps), (broken.Region, broken.Level));
        Assert.Null(ProofCheck.Check(newProof, Mayor, receipt: answer.Body.GetProperty("digest").GetString()));
        // The proof kept from before holds in itself, but not against the certificate in force now.
        var stale = ProofCheck.Check(oldProof, Mayor, publishedTop: recertified) ?? ProofCheck.Check(oldProof with { AgainstCertificate = false }, Mayor, publishedTop: recertified);
        Assert.NotNull(stale);
        Assert.Equal(Regency, stale.Region);
    }

    private static string DistrictOf(string tps) => Jatim.Registry.Get(Jatim.Registry.Get(tps).Parent!).Parent!;

    private static string Token(string region, string role) =>
        OfficerToken.Mint(AuthTests.AuthHost.Key, $"{role}-{region}", region, role, TimeSpan.FromHours(1));

    private async Task<InclusionProof> ProofAsync(string tps, string query = "?certificate=none")
    {
        var answer = await SendAsync(HttpMethod.Get, $"/api/v1/proof/{Mayor.Id}/{tps}{query}", token: null);
        Assert.True(answer.Status == HttpStatusCode.OK, $"{tps}{query}: {answer}");
        return ProofJson.Read(answer.Body);
    }

    private async Task<JsonElement> TallyAsync(string code)
    {
        var answer = await SendAsync(HttpMethod.Get, $"/api/v1/tally/{Mayor.Id}/{code}", token: null);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        return answer.Body;
    }

    private async Task<JsonElement> CertifyAsync(string code, string role)
    {
        var answer = await SendAsync(HttpMethod.Post, $"/api/v1/certify/{Mayor.Id}/{code}", Token(code, role));
        Assert.True(answer.Status == HttpStatusCode.Created, $"certify {code}: {answer}");
        return answer.Body;
    }

    private async Task WithdrawAsync(string code, string role)
    {
        var answer = await SendAsync(HttpMethod.Delete, $"/api/v1/certify/{Mayor.Id}/{code}", Token(code, role), new JsonObject { ["reason"] = "PPK recount ordered" });
        Assert.True(answer.Status == HttpStatusCode.OK, $"withdraw {code}: {answer}");
    }

    private sealed record Answer(HttpStatusCode Status, JsonElement Body)
    {
        public override string ToString() => $"{(int)Status} {Body}";
    }

    private async Task<Answer> SendAsync(HttpMethod method, string path, string? token, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _client.SendAsync(request);
        return new Answer(response.StatusCode, await GatewayHost.ReadBodyAsync(response));
    }
}
