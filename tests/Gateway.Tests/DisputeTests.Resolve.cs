using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

public partial class DisputeTests
{
    [Fact]
    public async Task A_dismissal_is_recorded_once_the_same_one_again_is_200_unchanged_and_another_is_409()
    {
        var tps = Stations[20];
        await AcceptAsync(tps, version: 1);
        var id = await OpenAsync(tps.Code, "198.51.100.20");
        var before = DateTime.UtcNow.AddMilliseconds(-1);

        var resolved = await ResolveAsync(id, new JsonObject { ["outcome"] = "dismissed", ["reason"] = "The photo shows the same numbers." });
        Assert.True(resolved.Status == HttpStatusCode.OK, resolved.ToString());
        Assert.Equal("resolved", resolved.Body.GetProperty("status").GetString());
        var resolution = resolved.Body.GetProperty("resolution");
        Assert.Equal("dismissed", resolution.GetProperty("outcome").GetString());
        Assert.Equal("The photo shows the same numbers.", resolution.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, resolution.GetProperty("version").ValueKind);
        // Where writers do not authenticate, the resolution is anyone's, recorded as "anonymous".
        Assert.Equal("anonymous", resolution.GetProperty("by").GetString());
        Assert.InRange(resolution.GetProperty("at").GetDateTime(), before, DateTime.UtcNow.AddMilliseconds(1));

        var retry = await ResolveAsync(id, new JsonObject { ["outcome"] = "dismissed", ["reason"] = "The photo shows the same numbers." });
        Assert.True(retry.Status == HttpStatusCode.OK, retry.ToString());
        Assert.Equal(resolved.Body.GetRawText(), retry.Body.GetRawText());

        foreach (var other in new[]
                 {
                     new JsonObject { ["outcome"] = "dismissed", ["reason"] = "Another reason." },
                     new JsonObject { ["outcome"] = "corrected", ["version"] = 2 },
                 })
        {
            var conflict = await ResolveAsync(id, other);
            Assert.True(conflict.Status == HttpStatusCode.Conflict, conflict.ToString());
            Assert.Equal(resolution.GetRawText(), conflict.Body.GetProperty("resolution").GetRawText());
        }
        Assert.Equal(resolved.Body.GetRawText(), (await SendAsync(HttpMethod.Get, $"/api/v1/disputes/{id}")).Body.GetRawText());

        // Resolved, the address may report the TPS again: a new report.
        var reopened = await PostAsync("/api/v1/disputes", Report(tps.Code, "valid", "still wrong"), from: "198.51.100.20");
        Assert.True(reopened.Status == HttpStatusCode.Created, reopened.ToString());
        Assert.NotEqual(id, reopened.Body.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_correction_settles_a_report_only_with_an_accepted_version_above_the_reported_one()
    {
        var tps = Stations[21];
        await AcceptAsync(tps, version: 1);
        var id = await OpenAsync(tps.Code, "198.51.100.21");

        // Nothing accepted above version 1 yet: 1 is the reported one, 2 does not exist.
        foreach (var version in new[] { 1, 2, 0 })
        {
            var refused = await ResolveAsync(id, new JsonObject { ["outcome"] = "corrected", ["version"] = version });
            Assert.True(refused.Status == HttpStatusCode.UnprocessableEntity, $"{version}: {refused}");
            Assert.True(refused.Body.GetProperty("errors").TryGetProperty("version", out _), refused.ToString());
        }
        await AcceptAsync(tps, version: 2);
        var tooHigh = await ResolveAsync(id, new JsonObject { ["outcome"] = "corrected", ["version"] = 3 });
        Assert.True(tooHigh.Status == HttpStatusCode.UnprocessableEntity, tooHigh.ToString());
        Assert.Contains("from 2 to 2", tooHigh.Body.GetProperty("detail").GetString());
        Assert.Equal("open", (await SendAsync(HttpMethod.Get, $"/api/v1/disputes/{id}")).Body.GetProperty("status").GetString());

        var settled = await ResolveAsync(id, new JsonObject { ["outcome"] = "corrected", ["version"] = 2 });
        Assert.True(settled.Status == HttpStatusCode.OK, settled.ToString());
        var resolution = settled.Body.GetProperty("resolution");
        Assert.Equal(("corrected", 2L), (resolution.GetProperty("outcome").GetString(), resolution.GetProperty("version").GetInt64()));
        Assert.Equal(JsonValueKind.Null, resolution.GetProperty("reason").ValueKind);
        var retry = await ResolveAsync(id, new JsonObject { ["outcome"] = "corrected", ["version"] = 2 });
        Assert.Equal((HttpStatusCode.OK, settled.Body.GetRawText()), (retry.Status, retry.Body.GetRawText()));
    }

    [Theory]
    [InlineData("{\"outcome\":\"withdrawn\",\"reason\":\"x\"}", 422, "outcome")]
    [InlineData("{\"reason\":\"x\"}", 422, "outcome")]
    [InlineData("{\"outcome\":\"dismissed\"}", 422, "reason")]
    [InlineData("{\"outcome\":\"dismissed\",\"reason\":\"\"}", 422, "reason")]
    [InlineData("{\"outcome\":\"dismissed\",\"reason\":\"tab\\tok but NUL\\u0000not\"}", 422, "reason")]
    [InlineData("{\"outcome\":\"dismissed\",\"reason\":\"LONG\"}", 422, "reason")]
    [InlineData("{\"outcome\":\"corrected\"}", 422, "version")]
    [InlineData("{\"outcome\":\"corrected\",\"version\":\"2\"}", 400, "version")]
    [InlineData("{\"outcome\":\"corrected\",\"version\":2.5}", 400, "version")]
    [InlineData("{\"outcome\":1}", 400, "outcome")]
    [InlineData("{\"outcome\":\"dismissed\",\"outcome\":\"corrected\",\"version\":2}", 400, null)]
    [InlineData("[]", 400, "body")]
    public async Task A_resolution_not_of_the_shape_is_400_and_one_breaking_a_rule_is_422_naming_it(string json, int status, string? named)
    {
        var tps = Stations[22];
        await AcceptAsync(tps, version: 1);
        // An address per case: a repeated report counts against its address's hourly limit too.
        var id = await OpenAsync(tps.Code, $"198.51.103.{(uint)json.GetHashCode() % 250 + 1}");
        json = json.Replace("LONG", new string('r', 501));
        var answer = await PostRawAsync($"/api/v1/disputes/{id}/resolve", System.Text.Encoding.UTF8.GetBytes(json), from: "198.51.100.22");
        Assert.True((int)answer.Status == status, answer.ToString());
        if (named is not null) Assert.True(answer.Body.GetProperty("errors").TryGetProperty(named, out _), answer.ToString());
        Assert.Equal("open", (await SendAsync(HttpMethod.Get, $"/api/v1/disputes/{id}")).Body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Resolving_an_unknown_report_is_404()
    {
        foreach (var id in new[] { "999999", "0", "-1", "x" })
        {
            var answer = await ResolveAsync(id, new JsonObject { ["outcome"] = "dismissed", ["reason"] = "r" });
            Assert.True(answer.Status == HttpStatusCode.NotFound, $"{id}: {answer}");
        }
    }

    [Fact]
    public async Task The_list_holds_reports_at_or_below_the_region_newest_first_by_status_and_limit()
    {
        var (a, b) = (Stations[23], Stations[24]);
        var elsewhere = Jatim.Registry.TpsUnder("35.78").First();
        foreach (var tps in new[] { a, b, elsewhere }) await AcceptAsync(tps, version: 1);
        var first = await OpenAsync(a.Code, "198.51.102.1");
        var second = await OpenAsync(b.Code, "198.51.102.1");
        var third = await OpenAsync(a.Code, "198.51.102.2");
        var outside = await OpenAsync(elsewhere.Code, "198.51.102.1");
        Assert.Equal(HttpStatusCode.OK, (await ResolveAsync(second, new JsonObject { ["outcome"] = "dismissed", ["reason"] = "same" })).Status);

        var regency = "35.77";
        Assert.Equal([third, first], Ids(await SendAsync(HttpMethod.Get, $"/api/v1/disputes?region={regency}")).Where(new[] { first, second, third }.Contains));
        Assert.Equal([second], Ids(await SendAsync(HttpMethod.Get, $"/api/v1/disputes?region={regency}&status=resolved")).Where(new[] { first, second, third }.Contains));
        Assert.Equal([third, second, first], Ids(await SendAsync(HttpMethod.Get, $"/api/v1/disputes?region={VillageOf(a.Code)}&status=all"))
            .Where(new[] { first, second, third }.Contains));
        Assert.Equal([third, first], Ids(await SendAsync(HttpMethod.Get, $"/api/v1/disputes?region={a.Code}&status=all")));
        Assert.DoesNotContain(outside, Ids(await SendAsync(HttpMethod.Get, $"/api/v1/disputes?region={regency}&status=all&limit=500")));
        // The default region is the province: every report.
        var province = Ids(await SendAsync(HttpMethod.Get, "/api/v1/disputes?status=all&limit=500"));
        Assert.Superset(new HashSet<long> { first, second, third, outside }, province.ToHashSet());
        Assert.Equal(province.OrderByDescending(i => i), province);
        Assert.Single(Ids(await SendAsync(HttpMethod.Get, $"/api/v1/disputes?region={a.Code}&status=all&limit=1")), third);

        foreach (var (query, status) in new[] { ("status=closed", 400), ("limit=0", 400), ("limit=501", 400), ("limit=x", 400), ("region=35.99", 404) })
            Assert.True((int)(await SendAsync(HttpMethod.Get, $"/api/v1/disputes?{query}")).Status == status, query);
    }

    private static List<long> Ids(Answer answer)
    {
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        return [.. answer.Body.EnumerateArray().Select(d => d.GetProperty("id").GetInt64())];
    }

    private async Task<long> OpenAsync(string tps, string from)
    {
        var opened = await PostAsync("/api/v1/disputes", Report(tps, "valid", "the photo differs"), from);
        // A theory's next case finds its predecessor's report open: the same one, 200.
        Assert.True(opened.Status is HttpStatusCode.Created or HttpStatusCode.OK, opened.ToString());
        return opened.Body.GetProperty("id").GetInt64();
    }

    private Task<Answer> ResolveAsync(object id, JsonObject body, string? token = null) =>
        PostAsync($"/api/v1/disputes/{id}/resolve", body, from: "198.51.100.250", token);
}
