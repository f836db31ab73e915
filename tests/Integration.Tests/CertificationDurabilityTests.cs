using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// API.md "Certification" with real silos, a gateway and PostgreSQL: a certificate is as durable as a form (it
/// outlives every process, withdrawals included), and one issued while corrections race it holds exactly what the
/// ledger holds and nothing below it changes afterwards.
/// </summary>
[Collection(CrashCollection.Name)]
public partial class CertificationDurabilityTests(ITestOutputHelper output)
{
    private const string Contest = "PGUB-35";

    [Fact]
    public async Task Certificates_and_their_withdrawals_survive_a_full_restart()
    {
        const string regency = "35.76"; // Kota Mojokerto: the province's smallest regency, 3 districts
        await using var cluster = await StartClusterAsync();
        var districts = Jatim.Registry.Get(regency).Children;
        var forms = await FillAsync(cluster, regency, seed: 1);

        var issued = new List<JsonElement>();
        foreach (var code in districts) issued.Add(await ExpectAsync(HttpStatusCode.Created, CertifyAsync(cluster, code, Ppk(code))));
        var first = await ExpectAsync(HttpStatusCode.Created, CertifyAsync(cluster, regency, Kabkota(regency, "kabkota-a")));
        // A withdrawal and a new certificate, so that the register holds a withdrawn one across the restart too.
        var withdrawn = await ExpectAsync(HttpStatusCode.OK, WithdrawAsync(cluster, regency, Kabkota(regency, "kabkota-a"), "signed the wrong sheet"));
        var current = await ExpectAsync(HttpStatusCode.Created, CertifyAsync(cluster, regency, Kabkota(regency, "kabkota-b")));
        Assert.Equal(first.GetProperty("digest").GetString(), current.GetProperty("digest").GetString());
        var seals = new Dictionary<string, JsonElement>();
        foreach (var code in districts.Prepend(regency)) seals[code] = (await TallyAsync(cluster, code)).GetProperty("certified").Clone();
        var export = await ReadTextAsync(cluster, $"/api/v1/export/{Contest}/certificates.json");

        await cluster.StopAllAsync();
        await cluster.StartAsync();
        output.WriteLine($"{forms.Count} forms, {issued.Count + 2} certificates (one withdrawn); every process restarted");

        foreach (var (code, seal) in seals)
        {
            var tally = await TallyAsync(cluster, code);
            Assert.True(seal.ValueKind == JsonValueKind.Object, $"{code} was not shown certified before the restart");
            Assert.Equal(seal.GetRawText(), tally.GetProperty("certified").GetRawText());
            Assert.Equal(seal.GetProperty("digest").GetString(), tally.GetProperty("digest").GetString());
        }
        Assert.Equal(export, await ReadTextAsync(cluster, $"/api/v1/export/{Contest}/certificates.json"));
        // What PostgreSQL gives back is what was answered when each certificate was issued or withdrawn.
        var published = JsonDocument.Parse(export).RootElement.EnumerateArray().Select(c => c.GetRawText());
        Assert.Equal(new[] { withdrawn, current }.Concat(issued).Select(c => c.GetRawText()), published);

        // Still frozen: the correction is refused, the certifier's retry answered with the same certificate.
        var tps = Jatim.Registry.Get(forms[0].Tps);
        var correction = SampleForms.Correction(forms[0], tps, Jatim.Registry.FindContest(Contest)!, new Random(2));
        var refused = await PostFormAsync(cluster, correction);
        Assert.True(refused.Status == HttpStatusCode.Conflict, refused.ToString());
        Assert.Equal("Certified", refused.Text("title"));
        var district = Jatim.Registry.Get(Jatim.Registry.Get(tps.Parent!).Parent!).Code;
        Assert.Contains(district, refused.Text("detail"));
        var retry = await ExpectAsync(HttpStatusCode.OK, CertifyAsync(cluster, district, Ppk(district)));
        Assert.Equal(issued[districts.ToList().IndexOf(district)].GetRawText(), retry.GetRawText());

        var (exitCode, verify) = await cluster.VerifyAsync();
        output.WriteLine(verify.Split('\n').LastOrDefault(l => l.StartsWith("verify:")) ?? verify);
        Assert.True(exitCode == 0, verify);
    }

    // ---- helpers ----

    private sealed record Answer(HttpStatusCode Status, JsonElement Body)
    {
        public string? Text(string name) =>
            Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString() : null;

        public override string ToString() => $"{(int)Status} {Body}";
    }

    /// <summary>On the crash tests' own PostgreSQL unless told otherwise (a test that never stops it may share one).</summary>
    private static async Task<LocalCluster> StartClusterAsync(PostgresServer? postgres = null, int silos = 2)
    {
        // The race corrects a few TPS over and over, far more than the correction limit allows; the limit is not what it tests.
        var cluster = new LocalCluster(postgres ?? CrashCollection.Postgres, silos,
            baseEnvironment: new Dictionary<string, string?> { ["Corrections__Limit"] = "100000" });
        await cluster.CreateDatabaseAsync();
        await cluster.StartAsync();
        return cluster;
    }

    private static string Ppk(string district) =>
        OfficerToken.Mint(LocalCluster.SigningKey, $"ppk-{district}", district, "ppk", TimeSpan.FromHours(1));

    private static string Kabkota(string regency, string subject) =>
        OfficerToken.Mint(LocalCluster.SigningKey, subject, regency, "kabkota", TimeSpan.FromHours(1));

    private static async Task<Answer> SendAsync(LocalCluster cluster, HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(cluster.GatewayAddress, path)) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await cluster.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static Task<Answer> CertifyAsync(LocalCluster cluster, string code, string token) =>
        SendAsync(cluster, HttpMethod.Post, $"/api/v1/certify/{Contest}/{code}", token);

    private static Task<Answer> WithdrawAsync(LocalCluster cluster, string code, string token, string reason) =>
        SendAsync(cluster, HttpMethod.Delete, $"/api/v1/certify/{Contest}/{code}", token,
            new StringContent(new JsonObject { ["reason"] = reason }.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>Sent as the simulator's officers send it: a first form by the TPS's KPPS, a correction by its village's PPS.</summary>
    private static Task<Answer> PostFormAsync(LocalCluster cluster, ResultForm form) =>
        SendAsync(cluster, HttpMethod.Post, "/api/v1/results", cluster.Officers.For(form), JsonContent.Create(ApiJson.Form(form)));

    private static async Task<JsonElement> ExpectAsync(HttpStatusCode status, Task<Answer> request)
    {
        var answer = await request;
        Assert.True(answer.Status == status, $"expected {(int)status}: {answer}");
        return answer.Body;
    }

    private static async Task<JsonElement> TallyAsync(LocalCluster cluster, string code) =>
        await ExpectAsync(HttpStatusCode.OK, SendAsync(cluster, HttpMethod.Get, $"/api/v1/tally/{Contest}/{code}", null));

    private static async Task<string> ReadTextAsync(LocalCluster cluster, string path)
    {
        using var response = await cluster.Http.GetAsync(new Uri(cluster.GatewayAddress, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<List<ResultForm>> FillAsync(LocalCluster cluster, string region, int seed)
    {
        var random = new Random(seed);
        var contest = Jatim.Registry.FindContest(Contest)!;
        var forms = Jatim.Registry.TpsUnder(region).Select(tps => SampleForms.Valid(tps, contest, random)).ToList();
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (form, _) =>
        {
            var answer = await PostFormAsync(cluster, form);
            Assert.True(answer.Status == HttpStatusCode.Created, $"{form.Tps}: {answer}");
        });
        return forms;
    }

    /// <summary>The smallest district of the province by TPS count: few forms to fill, many corrections per TPS.</summary>
    private static RegionInfo SmallestDistrict() => Jatim.Registry.Root.Children
        .SelectMany(regency => Jatim.Registry.Get(regency).Children)
        .Select(Jatim.Registry.Get)
        .OrderBy(district => district.TpsCount).ThenBy(district => district.Code, StringComparer.Ordinal)
        .First();
}
