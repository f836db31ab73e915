using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>POST /api/v1/results/batch: each item judged as if posted alone.</summary>
public class BatchTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task Each_item_gets_its_own_status_and_body_in_order()
    {
        var good = SubmitTests.FormFor("35.75.01.1001.001");
        var correction = SampleForms.Correction(good, Jatim.Registry.Get(good.Tps), Jatim.Registry.FindContest("PGUB-35")!, new Random(5));
        var other = SubmitTests.FormFor("35.75.01.1001.002");
        var batch = new JsonObject
        {
            ["forms"] = new JsonArray(
                GatewayHost.ToJson(good),
                GatewayHost.ToJson(good),
                GatewayHost.ToJson(correction),
                GatewayHost.ToJson(other with { Valid = other.Valid + 1 }),
                JsonValue.Create("not a form"),
                GatewayHost.ToJson(other with { Version = 5, Reason = "skipped ahead" }),
                GatewayHost.ToJson(other)),
        };

        var (status, body) = await host.SendAsync(HttpMethod.Post, "/api/v1/results/batch", batch);

        Assert.Equal(HttpStatusCode.OK, status);
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal([201, 200, 201, 422, 400, 409, 201], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal(2, results[2].GetProperty("body").GetProperty("version").GetInt64());
        Assert.True(results[3].GetProperty("body").GetProperty("errors").TryGetProperty("valid", out _));
        Assert.Equal(0, results[5].GetProperty("body").GetProperty("currentVersion").GetInt64());

        var history = await host.GetJsonAsync($"/api/v1/tps/{good.Tps}/results/PGUB-35");
        Assert.Equal(2, history.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task More_than_1000_forms_is_422_and_accepts_none()
    {
        var tps = Jatim.Registry.TpsUnder("35.78").Take(1001).ToList();
        var forms = new JsonArray([.. tps.Select(t => (JsonNode)GatewayHost.ToJson(SubmitTests.FormFor(t.Code)))]);

        var (status, problem) = await host.SendAsync(HttpMethod.Post, "/api/v1/results/batch", new JsonObject { ["forms"] = forms });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("forms", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, $"/api/v1/tps/{tps[0].Code}/results/PGUB-35")).Status);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"forms\": {}}")]
    [InlineData("{}")]
    public async Task A_body_without_a_forms_array_is_400(string body)
    {
        using var response = await host.CreateClient().PostAsync("/api/v1/results/batch", new StringContent(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
