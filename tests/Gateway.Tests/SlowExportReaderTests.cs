using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Fifty readers that open the export and never read it, on a real gateway process (Kestrel's own flow control and
/// data-rate limits): they take at most the downloads in flight the gateway allows, everyone past that is told to come
/// back (503, Retry-After) instead of queueing, the stalled ones are dropped, and forms go on being accepted meanwhile.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class SlowExportReaderTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Contest = "PGUB-35";
    private const int Slots = 4;

    [Fact]
    public async Task Fifty_readers_that_never_read_block_neither_forms_nor_a_normal_reader()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("slow-export", environment: new Dictionary<string, string?>
        {
            ["Export__MaxConcurrentDownloads"] = Slots.ToString(),
            ["Export__SnapshotInterval"] = "00:00:05",
        });
        using var http = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(30) };
        // Enough rows that a download is far larger than what the sockets' buffers absorb (~150 bytes a row).
        var race = Jatim.Registry.FindContest(Contest)!;
        var random = new Random(88);
        var stations = Jatim.Registry.TpsUnder("35.78").Take(4_000).ToList();
        foreach (var batch in stations.Chunk(500))
        {
            using var response = await http.PostAsJsonAsync("api/v1/results/batch",
                new JsonObject { ["forms"] = new JsonArray([.. batch.Select(t => (JsonNode)ApiJson.Form(SampleForms.Valid(t, race, random)))]) });
            Assert.True(response.IsSuccessStatusCode, $"batch: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        using var slow = await SlowReaders.OpenAsync(gateway.Address, $"/api/v1/export/{Contest}.csv", 50);

        // Forms are accepted while the slow readers hang on.
        var next = Jatim.Registry.TpsUnder("35.77").First();
        using (var form = await http.PostAsJsonAsync("api/v1/results", ApiJson.Form(SampleForms.Valid(next, race, random))))
            Assert.Equal(HttpStatusCode.Created, form.StatusCode);

        // A normal reader gets the whole file: at once if the stalled readers' downloads fit in their sockets' buffers
        // (loopback's are large), else once they are dropped, told meanwhile when to come back. Downloads in flight
        // never exceed the bound.
        var refusals = new List<string>();
        string? csv = null;
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await http.GetAsync($"api/v1/export/{Contest}.csv");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 503 says when to come back");
                refusals.Add(await response.Content.ReadAsStringAsync());
                return (false, "503");
            }
            csv = await response.Content.ReadAsStringAsync();
            var inFlight = (await PrometheusScrape.ScrapeAsync(http, gateway.ManagementAddress)).Sum("kpu_export_downloads");
            Assert.True(inFlight <= Slots, $"{inFlight} downloads in flight, over the bound of {Slots}");
            return (response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}");
        }, TimeSpan.FromSeconds(90), "a normal reader gets the export");

        output.WriteLine($"{refusals.Count} refusals before the normal reader got the export");
        Assert.True(csv!.TrimEnd('\n').Split('\n').Length > stations.Count, "every TPS of the batches is in the export");
    }
}
