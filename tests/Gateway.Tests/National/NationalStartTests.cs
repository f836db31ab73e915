using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests.National;

/// <summary>
/// The README's national command, <c>Registry__Path=data/indonesia</c>, as a real process: the gateway from its build
/// output, embedded (co-hosted silo, in-memory storage), on the whole country. The national start is the registry's load,
/// ~6 s on the idle 2-core development machine (and ~300 MB more than Jawa Timur alone), well within CI's time, so the
/// whole country is started, not a slice. (Under a load average of ~70, other builds and tests running, the first API
/// answer came 52 s after the start: inside the 120 s the start is given.)
/// The test itself holds no registry: what it needs it reads from the API.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class NationalStartTests
{
    [Fact]
    public async Task The_whole_country_started_embedded_serves_545_races_38_provinces_and_counts_a_Jakarta_form_at_31()
    {
        var started = Stopwatch.StartNew();
        await using var gateway = await EmbeddedGateway.StartAsync("national", environment: new Dictionary<string, string?>
        {
            // Relative, as the README writes it: the process runs in its build output, where data/indonesia is copied.
            ["Registry__Path"] = "data/indonesia",
        });
        Console.WriteLine($"national embedded gateway served its first answer {started.Elapsed.TotalSeconds:F1} s after the start");
        using var http = new HttpClient { BaseAddress = gateway.Address };

        var contests = await http.GetFromJsonAsync<JsonElement>("api/v1/contests");
        Assert.Equal(545, contests.GetArrayLength());
        var root = await http.GetFromJsonAsync<JsonElement>("api/v1/regions/0");
        Assert.Equal("nation", root.GetProperty("level").GetString());
        Assert.Equal(38, root.GetProperty("children").GetArrayLength());
        Assert.Contains(root.GetProperty("children").EnumerateArray(), c => c.GetProperty("code").GetString() == "31");

        // A TPS of DKI Jakarta, found by walking down from the province.
        var code = "31";
        JsonElement region;
        do
        {
            region = await http.GetFromJsonAsync<JsonElement>($"api/v1/regions/{code}");
            if (region.GetProperty("level").GetString() != "tps") code = region.GetProperty("children")[0].GetProperty("code").GetString()!;
        }
        while (region.GetProperty("level").GetString() != "tps");
        Assert.Equal(["PGUB-31"], region.GetProperty("contests").EnumerateArray().Select(c => c.GetString()!));
        var governor = contests.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "PGUB-31");
        var form = FormFor(code, region.GetProperty("registered").GetInt64(),
            [.. governor.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("number").GetString()!)]);

        using var submitted = await http.PostAsJsonAsync("api/v1/results", ApiJson.Form(form));
        Assert.True(submitted.StatusCode == HttpStatusCode.Created, $"{(int)submitted.StatusCode} {await submitted.Content.ReadAsStringAsync()}");
        await Eventually.HoldsAsync(async () =>
        {
            var tally = await http.GetFromJsonAsync<JsonElement>("api/v1/tally/PGUB-31/31");
            var (reported, valid) = (tally.GetProperty("tpsReported").GetInt32(), tally.GetProperty("valid").GetInt64());
            return (reported == 1 && valid == form.Valid, $"tpsReported {reported}, valid {valid}");
        }, TimeSpan.FromSeconds(10), $"PGUB-31 at 31 counts the form of {code}");
    }

    /// <summary>A form that keeps every rule: half the register voted, one ballot invalid, the rest split evenly.</summary>
    private static ResultForm FormFor(string tps, long registered, string[] candidates)
    {
        var voted = registered / 2;
        var valid = voted - 1;
        var votes = candidates.Select((number, i) => (number, share: valid / candidates.Length + (i == 0 ? valid % candidates.Length : 0)))
            .ToDictionary(c => c.number, c => c.share);
        var received = registered + (long)Math.Ceiling(registered * 0.025);
        return new ResultForm(tps, "PGUB-31", 1, registered, new VotedCounts(voted, 0, 0),
            new BallotCounts(received, voted, 0, received - voted), votes, valid, 1, null, null);
    }
}
