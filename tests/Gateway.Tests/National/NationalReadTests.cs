using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.TestKit;
using static KpuOrleans.Gateway.Tests.National.NationalHost;

namespace KpuOrleans.Gateway.Tests.National;

/// <summary>
/// The reads whose default region is the registry's root: nationally that is <c>0</c>, KPU RI, above every province.
/// Aceh (11) and Sulawesi Barat (76) are this class's own: no other test sends forms there.
/// </summary>
[Collection(NationalCollection.Name)]
public class NationalReadTests(NationalHost host)
{
    [Fact]
    public async Task The_root_0_is_the_nation_of_38_provinces_with_no_race_and_each_province_hangs_below_it()
    {
        var root = await host.ReadAsync("/api/v1/regions/0");
        Assert.Equal("0", root.GetProperty("code").GetString());
        Assert.Equal("nation", root.GetProperty("level").GetString());
        Assert.Equal("Indonesia", root.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("parent").ValueKind);
        var provinces = root.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToList();
        Assert.Equal(38, provinces.Count);
        Assert.Equal(provinces.Order(StringComparer.Ordinal), provinces);
        Assert.Equal(435_296, root.GetProperty("tpsCount").GetInt32());
        Assert.Empty(root.GetProperty("contests").EnumerateArray());

        var jakarta = await host.ReadAsync("/api/v1/regions/31");
        Assert.Equal("0", jakarta.GetProperty("parent").GetString());
        Assert.Equal(["PGUB-31"], (await host.ReadAsync("/api/v1/regions/31.71")).GetProperty("contests").EnumerateArray().Select(c => c.GetString()!));
        Assert.Equal(["PBUP-34.01"], (await host.ReadAsync("/api/v1/regions/34.01")).GetProperty("contests").EnumerateArray().Select(c => c.GetString()!));

        // No race covers the nation, so it has no tally.
        var tally = await host.SendAsync(HttpMethod.Get, "/api/v1/tally/PGUB-31/0");
        Assert.True(tally.Status == HttpStatusCode.NotFound, tally.ToString());
        Assert.Equal(545, (await host.ReadAsync("/api/v1/contests")).GetArrayLength());
    }

    [Fact]
    public async Task Disputes_and_anomalies_of_every_province_are_listed_at_the_root_by_default()
    {
        var aceh = host.Registry.TpsUnder("11").First();
        var sulbar = host.Registry.TpsUnder("76").First();
        var ids = new Dictionary<string, long>();
        foreach (var (tps, contest) in new[] { (aceh, "PGUB-11"), (sulbar, "PGUB-76") })
        {
            var race = host.Registry.FindContest(contest)!;
            var first = SampleForms.Valid(tps, race, new Random(8));
            Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(first, Token(tps.Code, "kpps"))).Status);
            // A correction is flagged: the anomaly list has one row per province.
            var village = tps.Parent!;
            var correction = SampleForms.Correction(first, tps, race, new Random(9));
            Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(correction, Token(village, "pps"))).Status);
            var opened = await host.SendAsync(HttpMethod.Post, "/api/v1/disputes", body: new JsonObject
            {
                ["tps"] = tps.Code, ["contest"] = contest, ["field"] = "invalid", ["note"] = "the photo shows another count",
            });
            Assert.True(opened.Status == HttpStatusCode.Created, opened.ToString());
            ids[tps.Code] = opened.Body.GetProperty("id").GetInt64();
        }

        foreach (var path in new[] { "/api/v1/disputes", "/api/v1/disputes?region=0", "/api/v1/disputes?region=0&status=all" })
        {
            var listed = (await host.ReadAsync(path)).EnumerateArray().Select(d => d.GetProperty("id").GetInt64()).ToList();
            Assert.True(ids.Values.All(listed.Contains), $"{path}: {string.Join(", ", listed)} lacks one of {string.Join(", ", ids.Values)}");
        }
        var inAceh = (await host.ReadAsync("/api/v1/disputes?region=11")).EnumerateArray().Select(d => d.GetProperty("tps").GetString()!).ToList();
        Assert.Contains(aceh.Code, inAceh);
        Assert.All(inAceh, tps => Assert.StartsWith("11.", tps));

        await Eventually.HoldsAsync(async () =>
        {
            var flagged = (await host.ReadAsync("/api/v1/anomalies?limit=500")).EnumerateArray()
                .Where(a => a.GetProperty("anomalies").EnumerateArray().Any(n => n.GetString() == "correction"))
                .Select(a => a.GetProperty("tps").GetString()!).ToList();
            return (flagged.Contains(aceh.Code) && flagged.Contains(sulbar.Code), string.Join(", ", flagged));
        }, TimeSpan.FromSeconds(10), "the anomaly list names the corrections of both provinces");

        // The root has no tally, so its disputes are counted in each province's.
        foreach (var (tps, contest) in new[] { (aceh, "PGUB-11"), (sulbar, "PGUB-76") })
        {
            var province = tps.Code[..2];
            await Eventually.HoldsAsync(async () =>
            {
                var open = (await host.ReadAsync($"/api/v1/tally/{contest}/{province}")).GetProperty("disputesOpen").GetInt32();
                return (open == 1, $"disputesOpen {open}");
            }, TimeSpan.FromSeconds(10), $"{contest} at {province} counts its open dispute");
        }
    }
}
