using System.Net;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>POST /api/v1/results: every status of API.md's table but 503 (see <see cref="StorageDownTests"/>).</summary>
public class SubmitTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    internal static ResultForm FormFor(string tps, string contest = "PGUB-35", int seed = 1) =>
        SampleForms.Valid(Jatim.Registry.Get(tps), Jatim.Registry.FindContest(contest)!, new Random(seed));

    [Fact]
    public async Task A_new_form_is_201_and_moves_every_level_up_to_the_province()
    {
        var form = FormFor("35.78.01.1001.001");
        var (status, body) = await host.PostFormAsync(form);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("35.78.01.1001.001", body.GetProperty("tps").GetString());
        Assert.Equal("PGUB-35", body.GetProperty("contest").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.True(body.GetProperty("acceptedAt").GetDateTime() > DateTime.UtcNow.AddMinutes(-1));
        Assert.Equal(JsonValueKind.Array, body.GetProperty("anomalies").ValueKind);

        foreach (var region in new[] { "35.78.01.1001.001", "35.78.01.1001", "35.78.01", "35.78", "35" })
        {
            await Eventually.HoldsAsync(async () =>
            {
                var tally = await host.GetJsonAsync($"/api/v1/tally/PGUB-35/{region}");
                return (tally.GetProperty("votes").GetProperty("2").GetInt64() >= form.Votes["2"], tally.ToString());
            }, TimeSpan.FromSeconds(30), $"{region} counts the form");
        }
    }

    [Fact]
    public async Task The_same_form_again_is_200_with_the_original_acceptance()
    {
        var form = FormFor("35.78.01.1001.002");
        var (first, original) = await host.PostFormAsync(form);
        var (again, retry) = await host.PostFormAsync(form);

        Assert.Equal(HttpStatusCode.Created, first);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(original.ToString(), retry.ToString());
    }

    [Fact]
    public async Task The_same_version_with_other_numbers_is_409_with_the_current_version()
    {
        var form = FormFor("35.78.01.1001.003");
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(form)).Status);

        var (status, problem) = await host.PostFormAsync(FormFor("35.78.01.1001.003", seed: 99));

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal(409, problem.GetProperty("status").GetInt32());
        var history = await host.GetJsonAsync("/api/v1/tps/35.78.01.1001.003/results/PGUB-35");
        Assert.Equal(1, history.GetProperty("history").GetArrayLength());
        Assert.Equal(form.Valid, history.GetProperty("current").GetProperty("valid").GetInt64());
    }

    [Fact]
    public async Task Skipping_a_version_is_409()
    {
        var (status, problem) = await host.PostFormAsync(FormFor("35.78.01.1001.005") with { Version = 3, Reason = "typo" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(0, problem.GetProperty("currentVersion").GetInt64());
    }

    [Fact]
    public async Task A_correction_replaces_the_form_in_every_total_and_keeps_the_history()
    {
        const string tps = "35.79.01.1001.001";
        var v1 = FormFor(tps, "PWAL-35.79", seed: 1);
        var v2 = SampleForms.Correction(v1, Jatim.Registry.Get(tps), Jatim.Registry.FindContest("PWAL-35.79")!, new Random(2));
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(v1)).Status);

        var (status, body) = await host.PostFormAsync(v2);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Contains("correction", body.GetProperty("anomalies").EnumerateArray().Select(a => a.GetString()));
        var results = await host.GetJsonAsync($"/api/v1/tps/{tps}/results/PWAL-35.79");
        Assert.Equal(2, results.GetProperty("current").GetProperty("version").GetInt64());
        Assert.Equal(v2.Reason, results.GetProperty("current").GetProperty("reason").GetString());
        Assert.Equal("anonymous", results.GetProperty("current").GetProperty("submittedBy").GetString());
        Assert.Equal([1L, 2L], results.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("version").GetInt64()));
        await Eventually.HoldsAsync(async () =>
        {
            var regency = await host.GetJsonAsync("/api/v1/tally/PWAL-35.79/35.79");
            return (regency.GetProperty("valid").GetInt64() == v2.Valid && regency.GetProperty("tpsReported").GetInt32() == 1, regency.ToString());
        }, TimeSpan.FromSeconds(30), "the regency shows the correction only");
    }

    [Fact]
    public async Task Results_of_a_TPS_with_nothing_accepted_are_404()
    {
        var (status, problem) = await host.SendAsync(HttpMethod.Get, "/api/v1/tps/35.78.01.1001.020/results/PGUB-35");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/v1/tps/35.78.01.1001.020/results/PBUP-35.07")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/v1/tps/35.78.01.1001.999/results/PGUB-35")).Status);
    }

    [Fact]
    public async Task The_OpenAPI_description_lists_the_endpoints()
    {
        var openApi = await host.GetJsonAsync("/openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/results", paths);
        Assert.Contains("/api/v1/results/batch", paths);
        Assert.Contains("/api/v1/tally/{contest}/{code}", paths);
        Assert.Contains("/api/v1/tally/{contest}/{code}/children", paths);
        Assert.Contains("/api/v1/regions/{code}", paths);
        Assert.Contains("/api/v1/contests", paths);
        Assert.Contains("/api/v1/tps/{tps}/results/{contest}", paths);
    }
}
