using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.TestKit;
using Npgsql;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// The export on a durable cluster: fifty readers that never read hold at most the downloads the gateway allows, and
/// the ledger is scanned only through the export's own small pool (<c>application_name=kpu-export</c>, at most
/// <c>Export__ReadConnections</c>), never through a pool that anything else uses: PostgreSQL's own view of its
/// backends says which connection ran the scan.
/// </summary>
[Collection(CrashCollection.Name)]
public class ExportReadPoolTests(ITestOutputHelper output)
{
    private const string Contest = "PGUB-35";
    private const int ReadConnections = 2;

    [Fact]
    public async Task Slow_export_readers_hold_only_the_exports_own_pool_and_honest_readers_and_officers_get_through()
    {
        await using var cluster = new LocalCluster(PostgresServer.Shared, silos: 1, baseEnvironment: new Dictionary<string, string?>
        {
            ["Export__MaxConcurrentDownloads"] = "4",
            ["Export__ReadConnections"] = ReadConnections.ToString(),
            ["Export__SnapshotInterval"] = "00:00:05",
        });
        await cluster.CreateDatabaseAsync();
        await cluster.StartAsync();
        var race = Jatim.Registry.FindContest(Contest)!;
        var random = new Random(89);
        var forms = Jatim.Registry.TpsUnder("35.78").Take(3_000).Select(t => SampleForms.Valid(t, race, random)).ToList();
        foreach (var batch in forms.Chunk(500))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.GatewayAddress, "/api/v1/results/batch"))
            {
                Content = JsonContent.Create(new JsonObject { ["forms"] = new JsonArray([.. batch.Select(f => (JsonNode)ApiJson.Form(f))]) }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Officers.For(batch));
            using var response = await cluster.Http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"batch: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var path = $"/api/v1/export/{Contest}.csv";
        using var slow = await SlowReaders.OpenAsync(cluster.GatewayAddress, path, 50);

        var next = Jatim.Registry.TpsUnder("35.77").First();
        var extra = SampleForms.Valid(next, race, random);
        using (var submit = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.GatewayAddress, "/api/v1/results")) { Content = JsonContent.Create(ApiJson.Form(extra)) })
        {
            submit.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Officers.For(extra));
            using var accepted = await cluster.Http.SendAsync(submit);
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        }

        var refused = 0;
        string? csv = null;
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await cluster.Http.GetAsync(new Uri(cluster.GatewayAddress, path));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable) refused++;
            else csv = await response.Content.ReadAsStringAsync();
            return (response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}");
        }, TimeSpan.FromSeconds(90), "a normal reader gets the export");
        output.WriteLine($"{refused} refusals before the normal reader got the export");
        Assert.True(csv!.TrimEnd('\n').Split('\n').Length > forms.Count, "every form of the batches is in the export");

        // Which backends ran the export's scan (pg_stat_activity keeps each connection's last statement).
        await using var database = new NpgsqlConnection(cluster.ConnectionString);
        await database.OpenAsync();
        await using var backends = new NpgsqlCommand("""
            SELECT application_name, count(*) FILTER (WHERE query LIKE 'SELECT DISTINCT ON (tps) %'), count(*)
            FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY application_name
            """, database);
        var seen = new Dictionary<string, (long Scans, long Connections)>();
        await using (var reader = await backends.ExecuteReaderAsync())
            while (await reader.ReadAsync()) seen[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        output.WriteLine(string.Join("\n", seen.Select(s => $"'{s.Key}': {s.Value.Connections} connections, {s.Value.Scans} last ran the export scan")));
        Assert.True(seen.TryGetValue("kpu-export", out var export) && export.Scans > 0, "the export's own pool ran no scan");
        Assert.True(export.Connections <= ReadConnections, $"the export's pool opened {export.Connections} connections, more than {ReadConnections}");
        Assert.All(seen.Where(s => s.Key != "kpu-export"), s => Assert.True(s.Value.Scans == 0, $"'{s.Key}' ran the export scan"));
    }
}
