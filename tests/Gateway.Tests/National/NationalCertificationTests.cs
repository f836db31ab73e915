using System.Net;
using System.Text.Json;
using KpuOrleans.TestKit;
using static KpuOrleans.Gateway.Tests.National.NationalHost;

namespace KpuOrleans.Gateway.Tests.National;

/// <summary>
/// The recap ends at each province (API.md "Certification" and "The whole country"): two provinces certified bottom up
/// by their own officers, and the national view shows both certificates and no other. Papua Selatan (93) and
/// Kalimantan Utara (65), the two smallest provinces with a governor race: 1,089 and 1,364 TPS.
/// </summary>
[Collection(NationalCollection.Name)]
public class NationalCertificationTests(NationalHost host)
{
    private static readonly string[] Provinces = ["65", "93"];

    [Fact]
    public async Task Two_provinces_certified_bottom_up_are_shown_certified_at_the_root()
    {
        var certificates = new Dictionary<string, JsonElement>();
        foreach (var province in Provinces)
        {
            var governor = $"PGUB-{province}";
            await host.FillAsync(province, governor, seed: int.Parse(province));
            foreach (var regency in host.Registry.Get(province).Children)
            {
                foreach (var district in host.Registry.Get(regency).Children)
                    await CertifyAsync(governor, district, "ppk");
                await CertifyAsync(governor, regency, "kabkota");
            }
            certificates[province] = await CertifyAsync(governor, province, "provinsi");
            Assert.Equal(host.Registry.Get(province).TpsCount, certificates[province].GetProperty("tally").GetProperty("tpsReported").GetInt32());
        }

        await Eventually.HoldsAsync(async () =>
        {
            var view = await host.ReadAsync("/api/v1/progress/0");
            var certified = view.GetProperty("regions").EnumerateArray()
                .SelectMany(p => p.GetProperty("races").EnumerateArray())
                .Where(r => r.GetProperty("certified").ValueKind != JsonValueKind.Null)
                .ToDictionary(r => r.GetProperty("contest").GetString()!);
            return (certified.Keys.Order(StringComparer.Ordinal).SequenceEqual(Provinces.Select(p => $"PGUB-{p}")),
                $"certified at the root: {string.Join(", ", certified.Keys)}");
        }, TimeSpan.FromSeconds(10), "the national view shows the two provinces' certificates and no other");

        var provinces = (await host.ReadAsync("/api/v1/progress/0")).GetProperty("regions").EnumerateArray()
            .ToDictionary(p => p.GetProperty("code").GetString()!);
        foreach (var province in Provinces)
        {
            var race = provinces[province].GetProperty("races").EnumerateArray().Single(r => r.GetProperty("contest").GetString() == $"PGUB-{province}");
            var certificate = certificates[province];
            Assert.Equal(province, race.GetProperty("region").GetString());
            Assert.Equal(host.Registry.Get(province).TpsCount, race.GetProperty("tpsReported").GetInt32());
            Assert.Equal(race.GetProperty("tpsExpected").GetInt32(), race.GetProperty("tpsReported").GetInt32());
            Assert.Equal(certificate.GetProperty("digest").GetString(), race.GetProperty("digest").GetString());
            var seal = race.GetProperty("certified");
            Assert.Equal($"provinsi-{province}", seal.GetProperty("by").GetString());
            Assert.Equal(certificate.GetProperty("certifiedAt").GetDateTime(), seal.GetProperty("at").GetDateTime());
            Assert.Equal(certificate.GetProperty("digest").GetString(), seal.GetProperty("digest").GetString());
            // The regents' and mayors' races of the province had no forms: nothing certified, nothing reported.
            Assert.All(provinces[province].GetProperty("races").EnumerateArray().Where(r => r.GetProperty("kind").GetString() != "governor"),
                r => Assert.Equal(JsonValueKind.Null, r.GetProperty("certified").ValueKind));
        }

        // KPU RI withdraws one province's certificate (top down: the province first); the root shows the other alone.
        var withdrawn = await host.SendAsync(HttpMethod.Delete, "/api/v1/certify/PGUB-65/65", Token("0", "kpuri"),
            new System.Text.Json.Nodes.JsonObject { ["reason"] = "KPU RI orders a recount" });
        Assert.True(withdrawn.Status == HttpStatusCode.OK, withdrawn.ToString());
        Assert.Equal("kpuri-0", withdrawn.Body.GetProperty("withdrawn").GetProperty("by").GetString());
        await Eventually.HoldsAsync(async () =>
        {
            var certified = (await host.ReadAsync("/api/v1/progress/0")).GetProperty("regions").EnumerateArray()
                .SelectMany(p => p.GetProperty("races").EnumerateArray())
                .Where(r => r.GetProperty("certified").ValueKind != JsonValueKind.Null)
                .Select(r => r.GetProperty("contest").GetString()!).ToList();
            return (certified.SequenceEqual(["PGUB-93"]), $"certified at the root: {string.Join(", ", certified)}");
        }, TimeSpan.FromSeconds(10), "the national view shows Kalimantan Utara's certificate withdrawn");

        // One level down, each regency's governor certificate is its own KPU's.
        var regencies = (await host.ReadAsync("/api/v1/progress/93")).GetProperty("regions").EnumerateArray().ToList();
        Assert.Equal(host.Registry.Get("93").Children, regencies.Select(r => r.GetProperty("code").GetString()!));
        foreach (var regency in regencies)
        {
            var race = regency.GetProperty("races").EnumerateArray().Single(r => r.GetProperty("contest").GetString() == "PGUB-93");
            Assert.Equal($"kabkota-{regency.GetProperty("code").GetString()}", race.GetProperty("certified").GetProperty("by").GetString());
        }
    }

    [Fact]
    public async Task KPU_RI_withdraws_a_regency_certificate_of_any_province_and_KPU_Provinsi_of_another_may_not()
    {
        // Gorontalo (75), this test's own: its smallest regency certified bottom up.
        const string province = "75";
        const string governor = "PGUB-75";
        var regency = host.Registry.Get(province).Children.OrderBy(code => host.Registry.Get(code).TpsCount).First();
        await host.FillAsync(regency, governor, seed: 75);
        foreach (var district in host.Registry.Get(regency).Children) await CertifyAsync(governor, district, "ppk");
        var certificate = await CertifyAsync(governor, regency, "kabkota");
        await AssertShownAsync(regency, certified: true);

        var reason = new System.Text.Json.Nodes.JsonObject { ["reason"] = "KPU RI orders a recount" };
        var foreign = await host.SendAsync(HttpMethod.Delete, $"/api/v1/certify/{governor}/{regency}", Token("35", "provinsi"), reason);
        Assert.True(foreign.Status == HttpStatusCode.Forbidden, foreign.ToString());
        Assert.Equal("Outside your scope", foreign.Title);
        Assert.Contains(regency, foreign.Detail);
        Assert.Contains("region 35", foreign.Detail);
        await AssertShownAsync(regency, certified: true);

        var withdrawn = await host.SendAsync(HttpMethod.Delete, $"/api/v1/certify/{governor}/{regency}", Token("0", "kpuri"), reason);
        Assert.True(withdrawn.Status == HttpStatusCode.OK, withdrawn.ToString());
        Assert.Equal(certificate.GetProperty("certifiedAt").GetDateTime(), withdrawn.Body.GetProperty("certifiedAt").GetDateTime());
        Assert.Equal("kpuri-0", withdrawn.Body.GetProperty("withdrawn").GetProperty("by").GetString());
        await AssertShownAsync(regency, certified: false);
    }

    /// <summary>The province's view shows the regency's governor certificate in force, or none.</summary>
    private async Task AssertShownAsync(string regency, bool certified) =>
        await Eventually.HoldsAsync(async () =>
        {
            var view = await host.ReadAsync($"/api/v1/progress/{regency[..2]}");
            var race = view.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("code").GetString() == regency)
                .GetProperty("races").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "governor");
            var seal = race.GetProperty("certified");
            return ((seal.ValueKind == JsonValueKind.Object) == certified, seal.ToString());
        }, TimeSpan.FromSeconds(10), $"the governor race at {regency} {(certified ? "shows" : "no longer shows")} a certificate");

    private async Task<JsonElement> CertifyAsync(string contest, string code, string role)
    {
        var answer = await host.SendAsync(HttpMethod.Post, $"/api/v1/certify/{contest}/{code}", Token(code, role));
        Assert.True(answer.Status == HttpStatusCode.Created, $"{contest} {code}: {answer}");
        return answer.Body;
    }
}
