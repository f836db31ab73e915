using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>GET endpoints: contests, regions, tallies with ETags, children.</summary>
public class ReadTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task Contests_are_the_39_races_with_their_candidates()
    {
        var contests = (await host.GetJsonAsync("/api/v1/contests")).EnumerateArray().ToList();

        Assert.Equal(39, contests.Count);
        var governor = contests[0];
        Assert.Equal("PGUB-35", governor.GetProperty("id").GetString());
        Assert.Equal("governor", governor.GetProperty("kind").GetString());
        Assert.Equal("35", governor.GetProperty("scope").GetString());
        Assert.Equal(["1", "2", "3"], governor.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("number").GetString()));
        var surabaya = contests.Single(c => c.GetProperty("id").GetString() == "PWAL-35.78");
        Assert.Equal("mayor", surabaya.GetProperty("kind").GetString());
        Assert.Contains(surabaya.GetProperty("candidates").EnumerateArray(), c => c.GetProperty("emptyColumn").GetBoolean());
    }

    [Theory]
    [InlineData("35", "province", null, 38, 60_751, 31_280_418)]
    [InlineData("35.78", "regency", "35", 31, 3_964, 2_229_224)]
    [InlineData("35.78.01.1001", "village", "35.78.01", 23, 23, 12_891)]
    [InlineData("35.78.01.1001.001", "tps", "35.78.01.1001", 0, 1, 582)]
    public async Task A_region_describes_its_place_in_the_tree(string code, string level, string? parent, int children, int tps, long registered)
    {
        var region = await host.GetJsonAsync($"/api/v1/regions/{code}");

        Assert.Equal(code, region.GetProperty("code").GetString());
        Assert.Equal(level, region.GetProperty("level").GetString());
        Assert.Equal(parent, region.GetProperty("parent").GetString());
        Assert.Equal(children, region.GetProperty("children").GetArrayLength());
        Assert.Equal(tps, region.GetProperty("tpsCount").GetInt32());
        Assert.Equal(registered, region.GetProperty("registered").GetInt64());
        var codes = region.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToList();
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        Assert.All(region.GetProperty("children").EnumerateArray(), c => Assert.False(string.IsNullOrEmpty(c.GetProperty("name").GetString())));
    }

    [Theory]
    [InlineData("/api/v1/regions/36")]
    [InlineData("/api/v1/regions/35.78.01.1001.999")]
    [InlineData("/api/v1/tally/PGUB-35/36")]
    [InlineData("/api/v1/tally/PGUB-99/35")]
    [InlineData("/api/v1/tally/PBUP-35.07/35")]
    [InlineData("/api/v1/tally/PBUP-35.07/35.78.01")]
    [InlineData("/api/v1/tally/PBUP-35.07/35.78/children")]
    public async Task Unknown_regions_and_contests_that_do_not_cover_them_are_404(string path)
    {
        using var response = await host.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await GatewayHost.ReadBodyAsync(response);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_tally_has_every_field_of_the_contract_before_any_form()
    {
        var tally = await host.GetJsonAsync("/api/v1/tally/PWAL-35.78/35.78");

        Assert.Equal(
            ["contest", "region", "level", "name", "votes", "valid", "invalid", "voted", "registered", "registeredReported",
             "tpsReported", "tpsExpected", "anomalies", "version", "updatedAt", "digest", "certified", "photoMissing", "disputesOpen"],
            tally.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Kota Surabaya", tally.GetProperty("name").GetString());
        Assert.Equal("regency", tally.GetProperty("level").GetString());
        Assert.Equal(["1", "2"], tally.GetProperty("votes").EnumerateObject().Select(v => v.Name));
        Assert.Equal(2_229_224, tally.GetProperty("registered").GetInt64());
        Assert.Equal(3_964, tally.GetProperty("tpsExpected").GetInt32());
        Assert.Equal(JsonValueKind.Null, tally.GetProperty("digest").ValueKind);
        Assert.Equal(JsonValueKind.Null, tally.GetProperty("certified").ValueKind);
    }

    [Fact]
    public async Task A_tally_carries_an_ETag_that_answers_304_until_it_changes()
    {
        const string path = "/api/v1/tally/PGUB-35/35.77.01";
        var client = host.CreateClient();
        using var first = await client.GetAsync(path);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var unchanged = new HttpRequestMessage(HttpMethod.Get, path);
        unchanged.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(unchanged)).StatusCode);

        var tps = Jatim.Registry.TpsUnder("35.77.01").First().Code;
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(SubmitTests.FormFor(tps))).Status);
        await Eventually.HoldsAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.IfNoneMatch.Add(etag);
            using var response = await client.SendAsync(request);
            return (response.StatusCode == HttpStatusCode.OK && !Equals(response.Headers.ETag, etag), $"{(int)response.StatusCode} {response.Headers.ETag}");
        }, TimeSpan.FromSeconds(30), "a changed tally answers 200 with a new ETag");
    }

    [Fact]
    public async Task Children_are_every_child_region_in_code_order_with_their_tallies()
    {
        const string village = "35.73.01.1001";
        var tps = Jatim.Registry.Get(village).Children[1];
        var form = SubmitTests.FormFor(tps, "PWAL-35.73");
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(form)).Status);

        await Eventually.HoldsAsync(async () =>
        {
            var children = (await host.GetJsonAsync($"/api/v1/tally/PWAL-35.73/{village}/children")).EnumerateArray().ToList();
            var codes = children.Select(c => c.GetProperty("region").GetString()).ToList();
            var reported = children.Where(c => c.GetProperty("tpsReported").GetInt32() == 1).Select(c => c.GetProperty("region").GetString());
            return (codes.SequenceEqual(Jatim.Registry.Get(village).Children) && reported.SequenceEqual([tps])
                && children[1].GetProperty("valid").GetInt64() == form.Valid
                && children.All(c => c.GetProperty("level").GetString() == "tps"), string.Join(",", reported));
        }, TimeSpan.FromSeconds(30), "the village lists its TPS with the one form counted");

        var ofTps = await host.GetJsonAsync($"/api/v1/tally/PWAL-35.73/{tps}/children");
        Assert.Equal(0, ofTps.GetArrayLength());
    }
}
