using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using KpuOrleans.Forms;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.Registry;
using KpuOrleans.Simulator;
using KpuOrleans.TestKit;
using Npgsql;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// Issue 14's adversarial night on a real cluster (PostgreSQL, two silos and a gateway as processes, logged in as the
/// application role): the simulator's
/// normal night runs over Kota Batu while, beside it, a flood of honest forms carries poisoned ones, one village officer
/// storms a TPS with corrections, 50 readers open the export and never read it, and someone probes the operator paths
/// in odd letter case. Every honest answer is what the simulator expects, nothing poisoned or over a limit is stored,
/// and every tally ends exact.
/// </summary>
[Collection(CrashCollection.Name)]
public class AdversarialNightTests(ITestOutputHelper output)
{
    private const string HonestSlice = "35.79";   // Kota Batu: the simulator's night
    private const string FloodSlice = "35.76";    // Kota Mojokerto: the flood with poison in it
    private const string StormCity = "35.77";     // Kota Madiun: one TPS stormed with corrections
    private const int SlowReaders = 50;

    [Fact]
    public async Task Poison_correction_storms_slow_readers_and_probes_hurt_no_honest_officer_and_every_tally_ends_exact()
    {
        // As the application role, with the export's real snapshot window: what a production cluster runs with.
        await using var cluster = new LocalCluster(CrashCollection.Postgres, silos: 2,
            baseEnvironment: new Dictionary<string, string?> { ["Export__SnapshotInterval"] = "00:00:02" }, asApplicationRole: true);
        await cluster.CreateDatabaseAsync();
        await cluster.StartAsync();
        var gateway = cluster.GatewayAddress;

        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var simulatorOutput = new StringWriter();
        var night = Task.Run(() => SimulatorApp.RunAsync(
            ["night", "--target", gateway.ToString(), "--regions", HonestSlice, "--speed", "2400", "--plain", "--progress-interval", "10",
             "--token-key", Convert.ToBase64String(LocalCluster.SigningKey), "--check-down-to", "tps", "--seed", "1411"],
            simulatorOutput, stop.Token));

        var slowReaders = await SlowExportReadersAsync(gateway, SlowReaders);
        try
        {
            var flood = FloodWithPoisonAsync(cluster);
            var storm = StormAsync(cluster);
            var probes = ProbeOperatorPathsAsync(cluster);
            await Task.WhenAll(flood, storm, probes);

            var exitCode = await night;
            output.WriteLine(simulatorOutput.ToString());
            Assert.True(exitCode == 0, $"the simulator's night saw unexpected answers or tallies (exit {exitCode}); its report is above");

            var (honest, poisoned) = await flood;
            Assert.All(honest, h => Assert.True(h.Status == 201, $"honest {h.Form.Tps}: {h.Status}"));
            Assert.All(poisoned, p => Assert.True(p.Status is >= 400 and < 500, $"poisoned {p.What}: {p.Status}"));
            var (stormTps, accepted, limited) = await storm;
            output.WriteLine($"flood: {honest.Count} honest forms 201, {poisoned.Count} poisoned 4xx; storm on {stormTps}: {accepted} corrections accepted, {limited} refused 429");
            Assert.Equal(CorrectionLimit, accepted);
            Assert.True(limited > 0, "the storm was never limited");

            await using var database = NpgsqlDataSource.Create(cluster.ConnectionString);
            Assert.Equal(0L, await ScalarAsync(database,
                "SELECT count(*) FROM kpu_ledger WHERE reason ~ '[[:cntrl:]]' OR tps ~ '[[:cntrl:]]' OR submitted_by ~ '[[:cntrl:]]'"));
            Assert.Equal(1L + CorrectionLimit, await ScalarAsync(database, $"SELECT count(*) FROM kpu_ledger WHERE tps = '{stormTps}'"));
            Assert.Equal((long)honest.Count, await ScalarAsync(database, $"SELECT count(*) FROM kpu_ledger WHERE tps LIKE '{FloodSlice}.%'"));

            var (verify, report) = await cluster.VerifyAsync();
            Assert.True(verify == 0, $"verify found tallies that differ from the ledger:\n{report}");
            await ClusterExactness.AssertAsync(cluster, honest.Select(h => h.Form), [FloodSlice, HonestSlice, StormCity], output);
        }
        finally
        {
            foreach (var reader in slowReaders) reader.Dispose();
        }
    }

    /// <summary>The default corrections per TPS and race per hour (API.md, "Limits").</summary>
    private const int CorrectionLimit = 10;

    /// <summary>
    /// The mayor's race of a city apart from the simulator's: the simulator checks the governor's race up to the
    /// province against its own recount, so the other parties here keep to races it does not follow.
    /// </summary>
    private static Contest OwnRace(string city) => Jatim.Registry.Contests.Single(c => c.Scope == city);

    /// <summary>One honest form per TPS of the flood's slice, with a poisoned one beside every tenth, all at once.</summary>
    private static async Task<(List<(ResultForm Form, int Status)> Honest, List<(string What, int Status)> Poisoned)> FloodWithPoisonAsync(LocalCluster cluster)
    {
        var registry = Jatim.Registry;
        var random = new Random(1411);
        var mayor = OwnRace(FloodSlice);
        var stations = registry.TpsUnder(FloodSlice).ToList();
        var honest = stations.Select(t => SampleForms.Valid(t, mayor, random)).ToList();
        var poisons = new List<(string What, ResultForm Form)>();
        for (var i = 0; i < stations.Count; i += 10)
        {
            var good = SampleForms.Valid(stations[i], mayor, random);
            poisons.Add(((i / 10 % 4) switch
            {
                0 => ("NUL in reason", good with { Reason = "salah\u0000hitung" }),
                1 => ("escape in tps", good with { Tps = good.Tps + "\u001b" }),
                2 => ("bell in a ballot number", good with { Votes = good.Votes.ToDictionary(v => v.Key == "1" ? "1\u0007" : v.Key, v => v.Value) }),
                _ => ("C1 control in contest", good with { Contest = good.Contest + "\u0085" }),
            }));
        }
        var honestSends = honest.Select(async form => (form, await PostAsync(cluster, form)));
        var poisonSends = poisons.Select(async p => (p.What, await PostAsync(cluster, p.Form)));
        var honestAnswers = Task.WhenAll(honestSends);
        var poisonAnswers = Task.WhenAll(poisonSends);
        return ([.. await honestAnswers], [.. await poisonAnswers]);
    }

    /// <summary>A village officer corrects one TPS as fast as the gateway answers: only the hour's allowance lands.</summary>
    private static async Task<(string Tps, int Accepted, int Limited)> StormAsync(LocalCluster cluster)
    {
        var registry = Jatim.Registry;
        var tps = registry.TpsUnder(StormCity).First();
        var contest = OwnRace(StormCity);
        var random = new Random(7);
        var current = SampleForms.Valid(tps, contest, random);
        Assert.Equal(201, await PostAsync(cluster, current));
        int accepted = 0, limited = 0;
        for (var i = 0; i < 60; i++)
        {
            var correction = SampleForms.Correction(current, tps, contest, random);
            var status = await PostAsync(cluster, correction);
            if (status == 201) { accepted++; current = correction; }
            else if (status == 429) limited++;
            else Assert.Fail($"correction {correction.Version} of {tps.Code}: {status}");
        }
        return (tps.Code, accepted, limited);
    }

    private static async Task ProbeOperatorPathsAsync(LocalCluster cluster)
    {
        foreach (var path in (string[])["/metrics", "/METRICS", "/Metrics", "/ops/dashboard/", "/OPS/dashboard", "/Ops/Dashboard/", "/%6Detrics"])
        {
            using var response = await cluster.Http.GetAsync(new Uri(cluster.GatewayAddress, path));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} on the public port: {(int)response.StatusCode}");
        }
        using var metrics = await cluster.Http.GetAsync(new Uri(cluster.ManagementOf(cluster.GatewayAddress), "/metrics"));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    /// <summary>Readers that ask for the whole governor export and then never read a byte of it.</summary>
    private static async Task<List<Socket>> SlowExportReadersAsync(Uri gateway, int count)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024 };
            await socket.ConnectAsync(gateway.Host, gateway.Port);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /api/v1/export/PGUB-35.csv HTTP/1.1\r\nHost: {gateway.Authority}\r\n\r\n"));
            sockets.Add(socket);
        }
        return sockets;
    }

    private static async Task<int> PostAsync(LocalCluster cluster, ResultForm form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.GatewayAddress, "/api/v1/results")) { Content = JsonContent.Create(ApiJson.Form(form)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Officers.For(form));
        using var response = await cluster.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
