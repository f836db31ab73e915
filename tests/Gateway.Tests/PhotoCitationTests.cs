using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Evidence;
using KpuOrleans.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>Forms cite their photos (API.md, "Forms cite their photos"): the rules, the flag, the history and the tally.</summary>
public class PhotoCitationTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private static string Page(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

    private Task PhotoStoredAsync(string sha256) => host.Services.GetRequiredService<IGrainFactory>().GetGrain<IPhotoGrain>(sha256)
        .Stored(new PhotoRecord(sha256, "image/png", 1234, 100, 140, DateTimeOffset.UtcNow));

    private static JsonObject Citing(string tps, params string[] pages)
    {
        var json = ApiJson.Form(SubmitTests.FormFor(tps));
        json["photos"] = new JsonArray([.. pages.Select(p => (JsonNode?)p)]);
        return json;
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public async Task A_form_citing_a_page_not_stored_is_201_flagged_photo_missing_until_the_page_arrives()
    {
        const string tps = "35.78.05.1001.001";
        var stored = Page("stored " + tps);
        var late = Page("late " + tps);
        await PhotoStoredAsync(stored);

        // Uppercase is accepted and kept in lowercase.
        var (status, body) = await host.SendAsync(HttpMethod.Post, "/api/v1/results", Citing(tps, stored, late.ToUpperInvariant()));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Contains("photo-missing", Strings(body.GetProperty("anomalies")));
        var tally = await host.GetJsonAsync($"/api/v1/tally/PGUB-35/{tps}");
        Assert.Equal((1, 1), (tally.GetProperty("photoMissing").GetInt32(), tally.GetProperty("anomalies").GetInt32()));
        var history = await host.GetJsonAsync($"/api/v1/tps/{tps}/results/PGUB-35");
        Assert.Equal([stored, late], Strings(history.GetProperty("current").GetProperty("photos")));
        Assert.Equal([late], Strings(history.GetProperty("current").GetProperty("photosMissing")));
        var (retry, again) = await host.SendAsync(HttpMethod.Post, "/api/v1/results", Citing(tps, stored, late));
        Assert.Equal((HttpStatusCode.OK, body.ToString()), (retry, again.ToString()));

        await PhotoStoredAsync(late);

        tally = await host.GetJsonAsync($"/api/v1/tally/PGUB-35/{tps}");
        Assert.Equal((0, 0), (tally.GetProperty("photoMissing").GetInt32(), tally.GetProperty("anomalies").GetInt32()));
        var village = await host.GetJsonAsync($"/api/v1/tally/PGUB-35/{tps[..13]}");
        Assert.Equal(0, village.GetProperty("photoMissing").GetInt32());
        history = await host.GetJsonAsync($"/api/v1/tps/{tps}/results/PGUB-35");
        Assert.Empty(Strings(history.GetProperty("current").GetProperty("photosMissing")));
        var photos = (await host.CreateClient().GetStringAsync("/api/v1/export/PGUB-35/photos.csv")).Split('\n');
        Assert.Equal("tps,version,photos", photos[0]);
        Assert.Contains($"{tps},1,{stored} {late}", photos);
        // The forms' file keeps its columns, the digest last.
        var forms = (await host.CreateClient().GetStringAsync("/api/v1/export/PGUB-35.csv")).Split('\n');
        Assert.EndsWith(",accepted_at,digest", forms[0]);
    }

    [Fact]
    public async Task The_tally_ETag_changes_when_only_the_evidence_does()
    {
        const string tps = "35.78.05.1001.002";
        var page = Page("etag " + tps);
        await host.SendAsync(HttpMethod.Post, "/api/v1/results", Citing(tps, page));
        using var before = await host.CreateClient().GetAsync($"/api/v1/tally/PGUB-35/{tps}");

        await PhotoStoredAsync(page);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tally/PGUB-35/{tps}");
        request.Headers.IfNoneMatch.Add(before.Headers.ETag!);
        using var after = await host.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
    }

    public static TheoryData<string, string[], string?, string> Broken => new()
    {
        { "none", [], null, "photos" },
        { "nine pages", [.. Enumerable.Range(0, 9).Select(i => Page("p" + i))], null, "photos" },
        { "not a hash", [Page("a"), "xyz"], null, "photos[1]" },
        { "a page twice", [Page("a"), Page("a")], null, "photos" },
        { "photoSha256 not among them", [Page("a")], Page("b"), "photoSha256" },
        { "a control character", [Page("a")[..63] + "\u0001"], null, "photos[0]" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task Broken_citations_are_422_naming_the_field_and_nothing_is_stored(string why, string[] pages, string? photoSha256, string field)
    {
        const string tps = "35.78.05.1001.003";
        var json = Citing(tps, pages);
        json["photoSha256"] = photoSha256;

        var (status, body) = await host.SendAsync(HttpMethod.Post, "/api/v1/results", json);

        Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{why}: {(int)status} {body}");
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), $"{why}: {body}");
        using var history = await host.CreateClient().GetAsync($"/api/v1/tps/{tps}/results/PGUB-35");
        Assert.Equal(HttpStatusCode.NotFound, history.StatusCode);
    }

    [Fact]
    public async Task Photos_that_are_not_an_array_of_strings_are_400_naming_the_field()
    {
        var json = Citing("35.78.05.1001.004");
        json["photos"] = new JsonArray(1, 2);

        var (status, body) = await host.SendAsync(HttpMethod.Post, "/api/v1/results", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("photos[0]", out _), body.ToString());
    }
}
