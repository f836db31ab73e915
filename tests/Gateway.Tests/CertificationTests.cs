using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// API.md "Certification" through an authenticating gateway: bottom up and complete, signed by the region's own
/// officer, repeated safely, freezing corrections below while in force, withdrawn top down with a reason, and shown in
/// the tallies, the hub and certificates.json. The host is shared by the class, so each test owns its regions: the
/// smallest districts of the province (few forms to fill), Kota Mojokerto and Kota Blitar's mayor race.
/// </summary>
public partial class CertificationTests(AuthTests.AuthHost host) : IClassFixture<AuthTests.AuthHost>
{
    private const string Governor = "PGUB-35";

    /// <summary>
    /// Made before anything runs in parallel: the factory builds its server on first use, and concurrent first uses
    /// would each build one (each with an in-memory ledger of its own).
    /// </summary>
    private readonly HttpClient _client = host.CreateClient();

    /// <summary>Districts by TPS count, smallest first; test i owns Smallest[i].</summary>
    private static readonly string[] Smallest = [.. Jatim.Registry.Root.Children
        .SelectMany(regency => Jatim.Registry.Get(regency).Children)
        .Select(Jatim.Registry.Get)
        .OrderBy(district => district.TpsCount).ThenBy(district => district.Code, StringComparer.Ordinal)
        .Select(district => district.Code)
        .Take(6)];

    [Fact]
    public async Task A_district_is_certified_only_once_every_TPS_has_a_form_and_the_certificate_holds_its_tally()
    {
        var district = Smallest[0];
        var stations = Jatim.Registry.TpsUnder(district).ToList();
        var last = stations[^1];
        var forms = await FillAsync(district, Governor, seed: 10, skip: last.Code);
        var ppk = Token(district, "ppk");

        var refused = await CertifyAsync(Governor, district, ppk);
        Assert.True(refused.Status == HttpStatusCode.Conflict, refused.ToString());
        Assert.Equal("Not ready to certify", refused.Title);
        Assert.Equal([last.Code], refused.Strings("missing"));
        Assert.Contains(last.Code, refused.Detail);
        await AssertNotCertifiedAsync(Governor, district);
        // The refusal left nothing frozen: the TPS below still take corrections.
        var corrected = SampleForms.Correction(forms[0], stations[0], Contest(Governor), new Random(11));
        Assert.Equal(HttpStatusCode.Created, (await PostFormAsync(corrected, Token(VillageOf(stations[0].Code), "pps"))).Status);
        forms[0] = corrected;

        forms.AddRange(await FillAsync(last.Code, Governor, seed: 12));
        var before = DateTime.UtcNow.AddMilliseconds(-1);
        var issued = await CertifyAsync(Governor, district, ppk);
        var after = DateTime.UtcNow.AddMilliseconds(1);

        Assert.True(issued.Status == HttpStatusCode.Created, issued.ToString());
        var certificate = issued.Body;
        var region = Jatim.Registry.Get(district);
        Assert.Equal(Governor, certificate.GetProperty("contest").GetString());
        Assert.Equal(district, certificate.GetProperty("region").GetString());
        Assert.Equal("district", certificate.GetProperty("level").GetString());
        Assert.Equal(region.Name, certificate.GetProperty("name").GetString());
        Assert.Equal(Subject(district, "ppk"), certificate.GetProperty("certifiedBy").GetString());
        Assert.InRange(certificate.GetProperty("certifiedAt").GetDateTime(), before, after);
        Assert.Equal(JsonValueKind.Null, certificate.GetProperty("withdrawn").ValueKind);
        // The digest is the one the forms give, and the tally is that of every form (the correction's numbers included).
        var expected = Recounted(forms);
        Assert.Equal(expected.ExpectedDigest(Governor, district), certificate.GetProperty("digest").GetString());
        var tally = certificate.GetProperty("tally");
        Assert.Equal(certificate.GetProperty("digest").GetString(), tally.GetProperty("digest").GetString());
        Assert.Equal(stations.Count, tally.GetProperty("tpsReported").GetInt32());
        Assert.Equal(stations.Count, tally.GetProperty("tpsExpected").GetInt32());
        Assert.Equal(forms.Sum(f => f.Valid), tally.GetProperty("valid").GetInt64());
        Assert.Equal(forms.Sum(f => f.Version), tally.GetProperty("version").GetInt64());
        var now = await TallyAsync(Governor, district);
        Assert.Equal(certificate.GetProperty("digest").GetString(), now.GetProperty("digest").GetString());
        AssertSeal(now, certificate);
    }

    [Fact]
    public async Task A_regency_needs_every_district_certified_and_the_province_every_regency_in_both_of_its_contests()
    {
        const string regency = "35.76"; // Kota Mojokerto: the province's smallest regency, 3 districts
        var contests = new[] { Governor, $"PWAL-{regency}" };
        var districts = Jatim.Registry.Get(regency).Children;
        var forms = new List<ResultForm>();
        foreach (var contest in contests) forms.AddRange(await FillAsync(regency, contest, seed: 20));
        var kabkota = Token(regency, "kabkota");
        var provinsi = Token("35", "provinsi");

        // No other test certifies a regency of the governor's race, so the province misses all of them.
        var province = await CertifyAsync(Governor, "35", provinsi);
        Assert.True(province.Status == HttpStatusCode.Conflict, province.ToString());
        Assert.Equal("Not ready to certify", province.Title);
        Assert.Equal(Jatim.Registry.Root.Children, province.Strings("missing"));

        foreach (var contest in contests)
        {
            var early = await CertifyAsync(contest, regency, kabkota);
            Assert.True(early.Status == HttpStatusCode.Conflict, $"{contest}: {early}");
            Assert.Equal("Not ready to certify", early.Title);
            Assert.Equal(districts, early.Strings("missing"));
            await AssertNotCertifiedAsync(contest, regency);

            foreach (var district in districts.Take(districts.Count - 1))
            {
                var answer = await CertifyAsync(contest, district, Token(district, "ppk"));
                Assert.True(answer.Status == HttpStatusCode.Created, $"{contest} {district}: {answer}");
            }
            var almost = await CertifyAsync(contest, regency, kabkota);
            Assert.True(almost.Status == HttpStatusCode.Conflict, $"{contest}: {almost}");
            Assert.Equal([districts[^1]], almost.Strings("missing"));
            Assert.Contains(districts[^1], almost.Detail);

            var lastDistrict = await CertifyAsync(contest, districts[^1], Token(districts[^1], "ppk"));
            Assert.True(lastDistrict.Status == HttpStatusCode.Created, $"{contest} {districts[^1]}: {lastDistrict}");
            var certified = await CertifyAsync(contest, regency, kabkota);
            Assert.True(certified.Status == HttpStatusCode.Created, $"{contest}: {certified}");
            Assert.Equal("regency", certified.Body.GetProperty("level").GetString());
            Assert.Equal(Jatim.Registry.Get(regency).Name, certified.Body.GetProperty("name").GetString());
            Assert.Equal(Subject(regency, "kabkota"), certified.Body.GetProperty("certifiedBy").GetString());
            Assert.Equal(Recounted(forms.Where(f => f.Contest == contest)).ExpectedDigest(contest, regency),
                certified.Body.GetProperty("digest").GetString());
            Assert.Equal(Jatim.Registry.Get(regency).TpsCount, certified.Body.GetProperty("tally").GetProperty("tpsReported").GetInt32());
            AssertSeal(await TallyAsync(contest, regency), certified.Body);
        }

        // Bottom up: one regency of the governor's race is certified now, the province still misses the others.
        var still = await CertifyAsync(Governor, "35", provinsi);
        Assert.True(still.Status == HttpStatusCode.Conflict, still.ToString());
        Assert.Equal(Jatim.Registry.Root.Children.Where(code => code != regency), still.Strings("missing"));
        await AssertNotCertifiedAsync(Governor, "35");

        // The mayor's race ends at the regency: its certificates are the regency's and its districts', in code order.
        var export = await ExportAsync($"PWAL-{regency}");
        Assert.Equal([regency, .. districts], export.Select(c => c.GetProperty("region").GetString()!));
    }

    // ---- helpers ----

    private sealed record Answer(HttpStatusCode Status, JsonElement Body, string? ETag)
    {
        public string? Title => Text("title");

        public string Detail => Text("detail") ?? "";

        public string? Text(string name) =>
            Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString() : null;

        public List<string> Strings(string name) =>
            Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var value)
                ? [.. value.EnumerateArray().Select(item => item.GetString()!)]
                : throw new Xunit.Sdk.XunitException($"no '{name}' in {this}");

        public override string ToString() => $"{(int)Status} {Body}";
    }

    private static Contest Contest(string id) => Jatim.Registry.FindContest(id)!;

    private static string Subject(string region, string role) => $"{role}-{region}";

    private static string Token(string region, string role, string? subject = null) =>
        OfficerToken.Mint(AuthTests.AuthHost.Key, subject ?? Subject(region, role), region, role, TimeSpan.FromHours(1));

    private static string VillageOf(string tps) => tps[..tps.LastIndexOf('.')];

    private async Task<Answer> SendAsync(HttpMethod method, string path, string? token, JsonNode? body = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ifNoneMatch));
        using var response = await _client.SendAsync(request);
        return new Answer(response.StatusCode, await GatewayHost.ReadBodyAsync(response), response.Headers.ETag?.ToString());
    }

    private Task<Answer> CertifyAsync(string contest, string code, string? token) =>
        SendAsync(HttpMethod.Post, $"/api/v1/certify/{contest}/{code}", token);

    private Task<Answer> WithdrawAsync(string contest, string code, string? token, JsonNode? body) =>
        SendAsync(HttpMethod.Delete, $"/api/v1/certify/{contest}/{code}", token, body);

    private static JsonObject Reason(string reason) => new() { ["reason"] = reason };

    private Task<Answer> PostFormAsync(ResultForm form, string token) =>
        SendAsync(HttpMethod.Post, "/api/v1/results", token, ApiJson.Form(form));

    private Task<JsonElement> TallyAsync(string contest, string code) => GetJsonAsync($"/api/v1/tally/{contest}/{code}");

    private async Task<List<JsonElement>> ExportAsync(string contest) =>
        [.. (await GetJsonAsync($"/api/v1/export/{contest}/certificates.json")).EnumerateArray()];

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var answer = await SendAsync(HttpMethod.Get, path, token: null);
        Assert.True(answer.Status == HttpStatusCode.OK, $"GET {path}: {answer}");
        return answer.Body;
    }

    /// <summary>A first form for every TPS under <paramref name="region"/> (but <paramref name="skip"/>), each from its KPPS.</summary>
    private async Task<List<ResultForm>> FillAsync(string region, string contest, int seed, string? skip = null)
    {
        var random = new Random(seed);
        var forms = Jatim.Registry.TpsUnder(region).Where(tps => tps.Code != skip)
            .Select(tps => SampleForms.Valid(tps, Contest(contest), random)).ToList();
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (form, _) =>
        {
            var answer = await PostFormAsync(form, Token(form.Tps, "kpps"));
            Assert.True(answer.Status == HttpStatusCode.Created, $"{form.Tps} {form.Contest}: {answer}");
        });
        return forms;
    }

    /// <summary>The test oracle's digests over these forms (the digest commits to the numbers only).</summary>
    private static Recount Recounted(IEnumerable<ResultForm> forms) =>
        new(Jatim.Registry, forms.Select(form => new AcceptedForm(form, default, "", [])));

    /// <summary>The tally shows the certificate in force: who, when, and the digest they signed.</summary>
    private static void AssertSeal(JsonElement tally, JsonElement certificate)
    {
        var seal = tally.GetProperty("certified");
        Assert.True(seal.ValueKind == JsonValueKind.Object, $"{tally.GetProperty("region")} shows no certificate: {tally}");
        Assert.Equal(certificate.GetProperty("certifiedBy").GetString(), seal.GetProperty("by").GetString());
        Assert.Equal(certificate.GetProperty("certifiedAt").GetDateTime(), seal.GetProperty("at").GetDateTime());
        Assert.Equal(certificate.GetProperty("digest").GetString(), seal.GetProperty("digest").GetString());
    }

    private async Task AssertNotCertifiedAsync(string contest, string code)
    {
        var tally = await TallyAsync(contest, code);
        Assert.True(tally.GetProperty("certified").ValueKind == JsonValueKind.Null, $"{code} shows a certificate: {tally}");
        Assert.DoesNotContain(await ExportAsync(contest), c => c.GetProperty("region").GetString() == code && c.GetProperty("withdrawn").ValueKind == JsonValueKind.Null);
    }
}
