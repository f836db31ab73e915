using System.Net;
using System.Text.Json;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;
using static KpuOrleans.Gateway.Tests.National.NationalHost;

namespace KpuOrleans.Gateway.Tests.National;

/// <summary>
/// API.md "The whole country", <c>GET /api/v1/progress/{code}</c>: per child region in code order, every race that
/// counts votes in it, read at the child or at the race's own scope inside it, from a snapshot at most a second old.
/// </summary>
[Collection(NationalCollection.Name)]
public class ProgressTests(NationalHost host)
{
    private RegionRegistry Registry => host.Registry;

    [Fact]
    public async Task The_national_view_lists_the_38_provinces_in_code_order_with_every_race_once_at_its_scope()
    {
        var answer = await host.SendAsync(HttpMethod.Get, "/api/v1/progress/0");
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        Assert.Equal("public, max-age=1, stale-while-revalidate=10", answer.CacheControl);
        var view = answer.Body;
        Assert.Equal("0", view.GetProperty("code").GetString());
        Assert.Equal("nation", view.GetProperty("level").GetString());
        Assert.Equal("Indonesia", view.GetProperty("name").GetString());

        var provinces = view.GetProperty("regions").EnumerateArray().ToList();
        Assert.Equal(Registry.Root.Children, provinces.Select(p => p.GetProperty("code").GetString()!));
        Assert.Equal(38, provinces.Count);
        Assert.Equal(provinces.Select(p => p.GetProperty("code").GetString()!).Order(StringComparer.Ordinal),
            provinces.Select(p => p.GetProperty("code").GetString()!));
        foreach (var province in provinces)
        {
            var code = province.GetProperty("code").GetString()!;
            var region = Registry.Get(code);
            Assert.Equal("province", province.GetProperty("level").GetString());
            Assert.Equal(region.Name, province.GetProperty("name").GetString());
            Assert.Equal(region.TpsCount, province.GetProperty("tpsCount").GetInt32());
            // Every race of the province, once: the governor's at the province, each regent's or mayor's at its regency.
            var races = Races(province);
            var expected = Registry.Contests.Where(c => RegionCode.Parse(c.Scope).IsWithin(RegionCode.Parse(code))).ToList();
            Assert.Equal(expected.Select(c => c.Id).Order(StringComparer.Ordinal), races.Select(r => r.GetProperty("contest").GetString()!).Order(StringComparer.Ordinal));
            foreach (var race in races) AssertRace(race, Registry.FindContest(race.GetProperty("contest").GetString()!)!, at: null);
        }
        Assert.Equal(545, provinces.Sum(p => Races(p).Count));

        // 2024's exceptions: Jakarta's administrative cities have no race of their own, Yogyakarta elected no governor.
        var jakarta = Races(provinces.Single(p => p.GetProperty("code").GetString() == "31"));
        Assert.Equal(["PGUB-31"], jakarta.Select(r => r.GetProperty("contest").GetString()!));
        var yogyakarta = Races(provinces.Single(p => p.GetProperty("code").GetString() == "34"));
        Assert.Equal(5, yogyakarta.Count);
        Assert.DoesNotContain(yogyakarta, r => r.GetProperty("kind").GetString() == "governor");
        Assert.All(yogyakarta, r => Assert.Equal(Level.Regency, RegionCode.Parse(r.GetProperty("scope").GetString()!).Level));
    }

    [Fact]
    public async Task A_province_lists_its_regencies_each_with_the_governor_race_there_and_its_own()
    {
        var view = await host.ReadAsync("/api/v1/progress/35");
        Assert.Equal("province", view.GetProperty("level").GetString());
        var regencies = view.GetProperty("regions").EnumerateArray().ToList();
        Assert.Equal(Registry.Get("35").Children, regencies.Select(r => r.GetProperty("code").GetString()!));
        foreach (var regency in regencies)
        {
            var code = regency.GetProperty("code").GetString()!;
            var races = Races(regency);
            Assert.Equal(["PGUB-35", .. Registry.Contests.Where(c => c.Scope == code).Select(c => c.Id)],
                races.Select(r => r.GetProperty("contest").GetString()!));
            foreach (var race in races) AssertRace(race, Registry.FindContest(race.GetProperty("contest").GetString()!)!, at: code);
        }

        // Below a regency of Jakarta only the governor counts: read at each district.
        var jakarta = await host.ReadAsync("/api/v1/progress/31.71");
        foreach (var district in jakarta.GetProperty("regions").EnumerateArray())
        {
            var race = Assert.Single(Races(district));
            AssertRace(race, Registry.FindContest("PGUB-31")!, at: district.GetProperty("code").GetString());
        }
        // A village lists its TPS.
        var village = Registry.Get(Registry.Get("31.71.01").Children[0]);
        var stations = await host.ReadAsync($"/api/v1/progress/{village.Code}");
        Assert.Equal(village.Children, stations.GetProperty("regions").EnumerateArray().Select(r => r.GetProperty("code").GetString()!));
    }

    [Fact]
    public async Task A_form_is_counted_in_its_province_within_the_snapshot_age()
    {
        // Kalimantan Barat's first TPS: no other test sends forms there.
        var tps = Registry.TpsUnder("61").First();
        var regency = RegionCode.Parse(tps.Code).AncestorAt(Level.Regency).Value;
        var ownRace = Registry.Contests.Single(c => c.Scope == regency).Id;
        foreach (var contest in new[] { "PGUB-61", ownRace })
        {
            var form = SampleForms.Valid(tps, Registry.FindContest(contest)!, new Random(7));
            Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(form, Token(tps.Code, "kpps"))).Status);
        }

        await Eventually.HoldsAsync(async () =>
        {
            var view = await host.ReadAsync("/api/v1/progress/0");
            var races = Races(view.GetProperty("regions").EnumerateArray().Single(p => p.GetProperty("code").GetString() == "61"));
            var reported = races.ToDictionary(r => r.GetProperty("contest").GetString()!, r => r.GetProperty("tpsReported").GetInt32());
            var ok = reported["PGUB-61"] == 1 && reported[ownRace] == 1 && reported.Values.Sum() == 2;
            return (ok, string.Join(", ", reported.Where(r => r.Value > 0).Select(r => $"{r.Key}={r.Value}")));
        }, TimeSpan.FromSeconds(30), "the progress of 0 shows the Kalimantan Barat forms");
    }

    [Fact]
    public async Task An_unchanged_view_answers_304_to_its_ETag_and_a_changed_one_gets_a_new_tag()
    {
        // Kalimantan Tengah's regency 62.01: no other test sends forms there.
        using var client = host.CreateClient();
        var first = await client.GetAsync("/api/v1/progress/62.01");
        first.EnsureSuccessStatusCode();
        var tag = Assert.IsType<System.Net.Http.Headers.EntityTagHeaderValue>(first.Headers.ETag);
        using (var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/progress/62.01"))
        {
            again.Headers.IfNoneMatch.Add(tag);
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
        }

        var tps = Registry.TpsUnder("62.01").First();
        var form = SampleForms.Valid(tps, Registry.FindContest("PGUB-62")!, new Random(11));
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(form, Token(tps.Code, "kpps"))).Status);
        await Eventually.HoldsAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/progress/62.01");
            request.Headers.IfNoneMatch.Add(tag);
            using var answer = await client.SendAsync(request);
            return (answer.StatusCode == HttpStatusCode.OK && answer.Headers.ETag is { } now && now.Tag != tag.Tag,
                $"{answer.StatusCode} {answer.Headers.ETag}");
        }, TimeSpan.FromSeconds(30), "the view of 62.01 with the new form has a new tag");
    }

    [Theory]
    [InlineData("99")]
    [InlineData("35.99")]
    [InlineData("nation")]
    [InlineData("35.78.01.1001.001")]
    public async Task A_code_not_in_the_registry_or_a_TPS_is_404(string code)
    {
        var answer = await host.SendAsync(HttpMethod.Get, $"/api/v1/progress/{code}");
        Assert.True(answer.Status == HttpStatusCode.NotFound, answer.ToString());
        Assert.Contains(code, answer.Detail);
    }

    private static List<JsonElement> Races(JsonElement region) => [.. region.GetProperty("races").EnumerateArray()];

    /// <summary>A race as the contract shapes it, read at <paramref name="at"/> (null: at the race's scope).</summary>
    private void AssertRace(JsonElement race, Contest contest, string? at)
    {
        var region = at ?? contest.Scope;
        Assert.Equal(contest.Kind, race.GetProperty("kind").GetString());
        Assert.Equal(contest.Scope, race.GetProperty("scope").GetString());
        Assert.Equal(contest.Name, race.GetProperty("name").GetString());
        Assert.Equal(region, race.GetProperty("region").GetString());
        Assert.Equal(Registry.Get(region).TpsCount, race.GetProperty("tpsExpected").GetInt32());
        foreach (var field in new[] { "tpsReported", "anomalies", "photoMissing", "disputesOpen", "version" })
            Assert.Equal(JsonValueKind.Number, race.GetProperty(field).ValueKind);
        foreach (var field in new[] { "updatedAt", "digest", "certified" })
            Assert.True(race.TryGetProperty(field, out _), $"{contest.Id} at {region} has no '{field}': {race}");
    }
}
