using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// <c>simulator certify</c> against an embedded gateway whose writers authenticate: refused (and saying why) while the
/// district's forms are not all in; once they are, every district and the regency of the slice are certified, each
/// by its own office's token, in every race.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class CertifyCommandTests(ITestOutputHelper log)
{
    private static readonly string Key = Convert.ToBase64String(Encoding.UTF8.GetBytes("a test key of thirty-two bytes!!"));

    private async Task<(int ExitCode, string Output)> CertifyAsync(Uri gateway, string regions)
    {
        var printed = new StringWriter();
        var exitCode = await SimulatorApp.RunAsync(["certify", "--target", gateway.ToString(), "--regions", regions, "--token-key", Key],
            printed, CancellationToken.None);
        log.WriteLine(printed.ToString());
        return (exitCode, printed.ToString());
    }

    [Fact]
    public async Task A_slice_is_certified_bottom_up_by_its_offices_once_every_form_is_in()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("simulator-certify",
            environment: new Dictionary<string, string?> { ["Auth__Enabled"] = "true", ["Auth__SigningKey"] = Key });

        var early = await CertifyAsync(gateway.Address, "35.79");
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("have no accepted", early.Output);
        Assert.DoesNotContain("regency:", early.Output); // bottom up: no regency is tried over uncertified districts

        var printed = new StringWriter();
        var parsed = OptionsParser.Parse(["flood", "--target", gateway.Address.ToString(), "--regions", "35.79", "--plain", "--invalid", "0",
            "--token-key", Key]);
        var night = await new SimulationRunner(parsed.Options!, printed, new PlainProgress(printed, TimeSpan.FromSeconds(5))).RunAsync(CancellationToken.None);
        Assert.Equal(SimulationOutcome.Passed, night.ExitCode);

        var (exitCode, output) = await CertifyAsync(gateway.Address, "35.79");
        Assert.Equal(0, exitCode);
        Assert.Contains("Result: PASSED, 8 certificates in force", output); // 3 districts + the regency, in 2 races

        using var http = new HttpClient { BaseAddress = gateway.Address };
        foreach (var contest in new[] { "PGUB-35", "PWAL-35.79" })
        {
            var certificates = await http.GetFromJsonAsync<JsonElement>($"api/v1/export/{contest}/certificates.json");
            Assert.Equal(["35.79", "35.79.01", "35.79.02", "35.79.03"], certificates.EnumerateArray().Select(c => c.GetProperty("region").GetString()));
            Assert.All(certificates.EnumerateArray(), c =>
                Assert.Equal($"{c.GetProperty("level").GetString() switch { "district" => "ppk", _ => "kabkota" }}-{c.GetProperty("region").GetString()}",
                    c.GetProperty("certifiedBy").GetString()));
        }
        // The province is not the slice's to certify.
        var province = await http.GetFromJsonAsync<JsonElement>("api/v1/tally/PGUB-35/35");
        Assert.Equal(JsonValueKind.Null, province.GetProperty("certified").ValueKind);
    }
}
