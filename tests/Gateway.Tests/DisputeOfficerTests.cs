using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Who resolves a dispute where writers authenticate (API.md, "Disputes"): an officer of the TPS's district or above;
/// reporting stays anonymous.
/// </summary>
public class DisputeOfficerTests(AuthTests.AuthHost host) : IClassFixture<AuthTests.AuthHost>
{
    private const string Governor = "PGUB-35";

    private readonly HttpClient _client = host.CreateClient();

    [Fact]
    public async Task Only_a_district_officer_or_above_whose_region_holds_the_TPS_resolves_and_is_recorded_by_name()
    {
        var tps = Jatim.Registry.TpsUnder("35.76").First();
        var village = tps.Parent!;
        var district = Jatim.Registry.Get(village).Parent!;
        var regency = Jatim.Registry.Get(district).Parent!;
        var otherDistrict = Jatim.Registry.Get(regency).Children.First(d => d != district);
        var form = SampleForms.Valid(tps, Jatim.Registry.FindContest(Governor)!, new Random(7));
        var submitted = await SendAsync("/api/v1/results", ApiJson.Form(form), Token(tps.Code, "kpps"));
        Assert.True(submitted.Status == HttpStatusCode.Created, submitted.ToString());

        // Reporting needs no token, even here.
        var opened = await SendAsync("/api/v1/disputes",
            new JsonObject { ["tps"] = tps.Code, ["contest"] = Governor, ["field"] = "valid", ["note"] = "photo shows another total" }, token: null);
        Assert.True(opened.Status == HttpStatusCode.Created, opened.ToString());
        var id = opened.Body.GetProperty("id").GetInt64();
        var dismissal = new JsonObject { ["outcome"] = "dismissed", ["reason"] = "matches the photo" };

        var noToken = await SendAsync($"/api/v1/disputes/{id}/resolve", dismissal, token: null);
        Assert.True(noToken.Status == HttpStatusCode.Unauthorized, noToken.ToString());
        foreach (var (region, role, why) in new[]
                 {
                     (tps.Code, "kpps", "the TPS's own KPPS"),
                     (village, "pps", "the village's PPS"),
                     (otherDistrict, "ppk", "another district's PPK"),
                     (district, "kabkota", "a role not of the region's level"),
                 })
        {
            var refused = await SendAsync($"/api/v1/disputes/{id}/resolve", dismissal, Token(region, role));
            Assert.True(refused.Status == HttpStatusCode.Forbidden, $"{why}: {refused}");
            Assert.Equal("open", (await GetAsync($"/api/v1/disputes/{id}")).GetProperty("status").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync("/api/v1/disputes/999999/resolve", dismissal, Token(district, "ppk"))).Status);

        // The TPS's own PPK, the regency's KPU and KPU Provinsi may; the first one's is recorded, a retry by another is the same.
        var resolved = await SendAsync($"/api/v1/disputes/{id}/resolve", dismissal, Token(district, "ppk"));
        Assert.True(resolved.Status == HttpStatusCode.OK, resolved.ToString());
        Assert.Equal($"ppk-{district}", resolved.Body.GetProperty("resolution").GetProperty("by").GetString());
        foreach (var (region, role) in new[] { (regency, "kabkota"), ("35", "provinsi") })
        {
            var retry = await SendAsync($"/api/v1/disputes/{id}/resolve", dismissal, Token(region, role));
            Assert.True(retry.Status == HttpStatusCode.OK, retry.ToString());
            Assert.Equal(resolved.Body.GetRawText(), retry.Body.GetRawText());
        }
    }

    private static string Token(string region, string role) =>
        OfficerToken.Mint(AuthTests.AuthHost.Key, $"{role}-{region}", region, role, TimeSpan.FromHours(1));

    private async Task<DisputeTests.Answer> SendAsync(string path, JsonNode body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _client.SendAsync(request);
        return new DisputeTests.Answer(response.StatusCode, await GatewayHost.ReadBodyAsync(response), response.Content.Headers.ContentType?.MediaType,
            null, response.Headers.Location?.ToString());
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        return await GatewayHost.ReadBodyAsync(response);
    }
}
