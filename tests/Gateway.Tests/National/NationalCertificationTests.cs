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

        // One level down, each regency's governor certificate is its own KPU's.
        var regencies = (await host.ReadAsync("/api/v1/progress/93")).GetProperty("regions").EnumerateArray().ToList();
        Assert.Equal(host.Registry.Get("93").Children, regencies.Select(r => r.GetProperty("code").GetString()!));
        foreach (var regency in regencies)
        {
            var race = regency.GetProperty("races").EnumerateArray().Single(r => r.GetProperty("contest").GetString() == "PGUB-93");
            Assert.Equal($"kabkota-{regency.GetProperty("code").GetString()}", race.GetProperty("certified").GetProperty("by").GetString());
        }
    }

    private async Task<JsonElement> CertifyAsync(string contest, string code, string role)
    {
        var answer = await host.SendAsync(HttpMethod.Post, $"/api/v1/certify/{contest}/{code}", Token(code, role));
        Assert.True(answer.Status == HttpStatusCode.Created, $"{contest} {code}: {answer}");
        return answer.Body;
    }
}
