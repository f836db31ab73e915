using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// <c>prove</c> against the real embedded system: a form's receipt (the 201's digest) proves it inside the live total
/// of its race, as does the form itself; another form's receipt, a receipt the form's correction replaced, and a TPS
/// with nothing counted each break at the TPS. A proof saved with <c>--save</c> checks offline against the tally's digest.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class EmbeddedProveTests(ITestOutputHelper log)
{
    private const string Contest = "PGUB-35";
    private const string Tps = "35.78.01.1001.001";
    private const string Other = "35.78.01.1001.002";

    private async Task<VerifierRun> ProveAsync(params string[] args)
    {
        var run = await VerifierRun.RunAsync(["prove", "--contest", Contest, .. args]);
        log.WriteLine(run.ToString());
        return run;
    }

    private static ResultForm Form(string tps, Random random) => SampleForms.Valid(Jatim.Registry.Get(tps), Jatim.Registry.FindContest(Contest)!, random);

    /// <summary>Posts the form; its 201's receipt.</summary>
    private static async Task<string> PostAsync(HttpClient http, ResultForm form)
    {
        using var response = await http.PostAsJsonAsync("api/v1/results", ApiJson.Form(form));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["digest"]!.GetValue<string>();
    }

    private static async Task<string?> TopAsync(HttpClient http)
    {
        using var top = JsonDocument.Parse(await http.GetStringAsync($"api/v1/tally/{Contest}/35"));
        return top.RootElement.GetProperty("digest").GetString();
    }

    /// <summary>Until the province counts <paramref name="versions"/>: the form has climbed the whole tree.</summary>
    private static Task CountedAsync(HttpClient http, long versions) => Eventually.HoldsAsync(async () =>
    {
        using var top = JsonDocument.Parse(await http.GetStringAsync($"api/v1/tally/{Contest}/35"));
        var version = top.RootElement.GetProperty("version").GetInt64();
        return (version == versions, $"version {version}");
    }, TimeSpan.FromSeconds(30), $"{Contest} 35 counts versions summing to {versions}");

    [Fact]
    public async Task A_receipt_proves_its_form_inside_the_live_total_and_nothing_else_does()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("verifier-prove");
        using var http = new HttpClient { BaseAddress = gateway.Address };
        var api = gateway.Address.ToString();
        var random = new Random(20);
        var form = Form(Tps, random);
        var receipt = await PostAsync(http, form);
        var other = await PostAsync(http, Form(Other, random));
        await CountedAsync(http, 2);

        var saved = Path.Combine(Repository.TestResults, $"proof-{Guid.NewGuid():N}.json");
        var inside = await ProveAsync("--tps", Tps, "--receipt", receipt, "--api", api, "--save", saved);
        Assert.Equal(0, inside.ExitCode);
        Assert.Equal($"inside the live total: {Contest} {Tps} version 1 is counted in 35's published digest {await TopAsync(http)}", inside.Lines[^1]);
        Assert.Equal(5, inside.Lines.Count(l => l.StartsWith("[ok] ", StringComparison.Ordinal))); // the TPS up to the province

        var file = Path.Combine(Repository.TestResults, $"form-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, ApiJson.Form(form).ToJsonString());
        var byForm = await ProveAsync("--tps", Tps, "--form", file, "--api", api);
        Assert.Equal(0, byForm.ExitCode);

        var offline = await ProveAsync("--tps", Tps, "--receipt", receipt, "--proof", saved, "--top", (await TopAsync(http))!);
        Assert.Equal(0, offline.ExitCode);
        Assert.StartsWith("inside the live total: ", offline.Lines[^1]);

        var wrong = await ProveAsync("--tps", Tps, "--receipt", other, "--api", api);
        Assert.Equal(1, wrong.ExitCode);
        Assert.StartsWith($"breaks at {Tps} (tps): the counted form (version 1) hashes to {receipt}, not to your receipt {other}", wrong.Lines[^1]);

        var nothing = await ProveAsync("--tps", "35.78.01.1001.003", "--receipt", receipt, "--api", api);
        Assert.Equal(1, nothing.ExitCode);
        Assert.StartsWith("breaks at 35.78.01.1001.003 (tps): not counted yet: ", nothing.Lines[^1]);
        Assert.EndsWith("(latest accepted version: 0)", nothing.Lines[^1]);

        // Corrected, the form's first receipt is no longer what the total counts.
        await PostAsync(http, SampleForms.Correction(form, Jatim.Registry.Get(Tps), Jatim.Registry.FindContest(Contest)!, random));
        await CountedAsync(http, 3);
        var replaced = await ProveAsync("--tps", Tps, "--receipt", receipt, "--api", api);
        Assert.Equal(1, replaced.ExitCode);
        Assert.StartsWith($"breaks at {Tps} (tps): the counted form (version 2) hashes to ", replaced.Lines[^1]);
    }
}
