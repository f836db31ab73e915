using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.TestKit;
using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// The real embedded system with every TPS of Kota Batu counted for both of its races (the governor's and the
/// mayor's), a few of them corrected, settled, certified bottom up (its districts, then the regency, in both races),
/// and downloaded by the verifier for the tests to check and tamper with copies of. Then the mayor's race is
/// withdrawn top down at the regency and one district, downloaded again, and certified anew, which leaves the system
/// with every certificate in force and two withdrawn ones in its history.
/// </summary>
public sealed class CountedRegency : IAsyncLifetime
{
    public const string Regency = "35.79";
    public static readonly string[] Contests = ["PGUB-35", $"PWAL-{Regency}"];

    private EmbeddedGateway? _gateway;

    public Uri Api => _gateway!.Address;

    /// <summary>The districts of Kota Batu, which with the regency make the certificates of each race.</summary>
    public static IReadOnlyList<string> Districts => Jatim.Registry.Get(Regency).Children;

    /// <summary>The mayor's race regency and district withdrawn, parent first, then certified anew.</summary>
    public static readonly string[] Withdrawn = [Regency, $"{Regency}.01"];

    public const string WithdrawalReason = "Rekapitulasi ulang: C.Hasil TPS 005 dibaca ulang";

    /// <summary>What download wrote once everything was certified; copy it before changing anything.</summary>
    public EvidenceFolder Downloaded { get; private set; } = null!;

    /// <summary>What download wrote after the withdrawals, before certifying anew.</summary>
    public EvidenceFolder DownloadedWithdrawn { get; private set; } = null!;

    public int TpsCount { get; private set; }

    public string DownloadOutput { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _gateway = await EmbeddedGateway.StartAsync("verifier");
        using var http = new HttpClient { BaseAddress = Api, Timeout = TimeSpan.FromMinutes(2) };
        var random = new Random(35_79);
        var stations = Jatim.Registry.TpsUnder(Regency).ToList();
        TpsCount = stations.Count;
        var firsts = stations.SelectMany(tps => Contests.Select(id => (Tps: tps, Form: SampleForms.Valid(tps, Jatim.Registry.FindContest(id)!, random)))).ToList();
        // Every 29th form gets a second version: the export and the tallies must carry the latest.
        var corrections = firsts.Where((_, i) => i % 29 == 0)
            .Select(f => SampleForms.Correction(f.Form, f.Tps, Jatim.Registry.FindContest(f.Form.Contest)!, random)).ToList();
        await SubmitAsync(http, [.. firsts.Select(f => f.Form)]);
        await SubmitAsync(http, corrections);

        foreach (var contest in Contests)
        {
            var scope = Jatim.Registry.FindContest(contest)!.Scope;
            var versions = stations.Count + corrections.Count(c => c.Contest == contest);
            await Eventually.HoldsAsync(async () =>
            {
                using var top = JsonDocument.Parse(await http.GetStringAsync($"api/v1/tally/{contest}/{scope}"));
                var (reported, version) = (top.RootElement.GetProperty("tpsReported").GetInt32(), top.RootElement.GetProperty("version").GetInt64());
                return (reported == stations.Count && version == versions, $"tpsReported {reported}, version {version}");
            }, TimeSpan.FromSeconds(60), $"{contest} {scope} counts {stations.Count} TPS at versions summing to {versions}");
        }

        // Bottom up, as the simulator's certify does: every district in both races, then the regency.
        foreach (var region in Districts.Append(Regency))
        {
            foreach (var contest in Contests) await CertifyAsync(http, contest, region);
        }
        (Downloaded, DownloadOutput) = await DownloadAsync("downloaded");

        // Top down: the regency first (a district cannot be withdrawn below a certified regency), then one district.
        var mayor = Contests[1];
        foreach (var region in Withdrawn) await WithdrawAsync(http, mayor, region);
        (DownloadedWithdrawn, _) = await DownloadAsync("withdrawn");
        foreach (var region in Withdrawn.Reverse()) await CertifyAsync(http, mayor, region);
    }

    private async Task<(EvidenceFolder Folder, string Output)> DownloadAsync(string name)
    {
        var folder = new EvidenceFolder(Path.Combine(Repository.TestResults, $"{name}-{Guid.NewGuid():N}"));
        var download = await VerifierRun.RunAsync("download", "--api", Api.ToString(), "--out", folder.Path, "--contests", string.Join(',', Contests));
        Assert.True(download.ExitCode == 0, download.ToString());
        return (folder, download.Output);
    }

    /// <summary>The embedded system's writers do not authenticate, so no token: the certificate says "anonymous".</summary>
    private static async Task CertifyAsync(HttpClient http, string contest, string region)
    {
        using var response = await http.PostAsync($"api/v1/certify/{contest}/{region}", null);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"certify {contest} {region}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task WithdrawAsync(HttpClient http, string contest, string region)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/v1/certify/{contest}/{region}")
        {
            Content = JsonContent.Create(new { reason = WithdrawalReason }),
        };
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"withdraw {contest} {region}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Sends the forms in batches; every one must be accepted.</summary>
    internal static async Task SubmitAsync(HttpClient http, IReadOnlyList<ResultForm> forms)
    {
        foreach (var batch in forms.Chunk(500))
        {
            using var response = await http.PostAsJsonAsync("api/v1/results/batch", new JsonObject { ["forms"] = new JsonArray([.. batch.Select(f => (JsonNode)ApiJson.Form(f))]) });
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var refused = body.RootElement.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("status").GetInt32() != 201).ToList();
            Assert.True(refused.Count == 0, $"not accepted: {string.Join(" | ", refused.Take(3))}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
    }
}
