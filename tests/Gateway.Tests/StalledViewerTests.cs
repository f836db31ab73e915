using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.SignalR.Client;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// A viewer that subscribes and then never reads, on a real gateway process (Kestrel, real sockets with a tiny receive
/// window): the others following the same tallies keep getting them and end on the newest, and the stalled one is
/// closed once a message has waited for it longer than <c>Live:SlowViewerGrace</c>.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class StalledViewerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Regency = "35.79";
    private const int MaxVersions = 80;

    [Fact]
    public async Task A_viewer_that_never_reads_is_closed_after_the_grace_period_while_the_others_end_on_the_newest_tally()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("stalled-viewer", environment: new Dictionary<string, string?>
        {
            ["Live__SlowViewerGrace"] = "00:00:01",
            ["Corrections__Limit"] = "1000",
        });
        var governor = Jatim.Registry.FindContest("PGUB-35")!;
        var mayor = Jatim.Registry.FindContest($"PWAL-{Regency}")!;
        var stations = Jatim.Registry.TpsUnder(Regency).Take(100).ToList();
        var pairs = stations.SelectMany(t => new[] { (governor, t), (mayor, t) }).ToList();

        using var stalled = await StalledViewer.SubscribeAsync(gateway.Address, pairs.Select(p => (p.Item1.Id, p.Item2.Code)));
        var reader = new HubConnectionBuilder().WithUrl(new Uri(gateway.Address, "hubs/tally")).Build();
        await using var _ = reader;
        var newest = new ConcurrentDictionary<string, long>();
        var outOfOrder = new ConcurrentBag<string>();
        reader.On<JsonElement>("tally", tally =>
        {
            var key = tally.GetProperty("contest").GetString() + "/" + tally.GetProperty("region").GetString();
            var version = tally.GetProperty("version").GetInt64();
            newest.AddOrUpdate(key, version, (_, held) =>
            {
                if (version <= held) outOfOrder.Add($"{key}: v{version} after v{held}");
                return Math.Max(version, held);
            });
        });
        await reader.StartAsync();
        foreach (var (contest, tps) in pairs.Take(20)) await reader.InvokeAsync<JsonElement>("Subscribe", contest.Id, tps.Code);

        // Versions of every form until the stalled viewer's buffers are full and the grace period has passed: on loopback
        // the kernel's send buffer alone takes megabytes, so the number of rounds is not known in advance.
        using var http = new HttpClient { BaseAddress = gateway.Address };
        using var management = new HttpClient();
        var random = new Random(16);
        var version = 0;
        var closed = 0.0;
        while (closed < 1 && version < MaxVersions)
        {
            version++;
            var forms = pairs.Select(p => SampleForms.Valid(p.Item2, p.Item1, random, version)).ToList();
            using var response = await http.PostAsJsonAsync("api/v1/results/batch", new JsonObject { ["forms"] = new JsonArray([.. forms.Select(f => (JsonNode)ApiJson.Form(f))]) });
            Assert.True(response.IsSuccessStatusCode, $"batch v{version}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            closed = (await PrometheusScrape.ScrapeAsync(management, gateway.ManagementAddress)).Sum("kpu_live_slow_viewers_closed_total");
        }
        await Eventually.HoldsAsync(async () =>
        {
            closed = (await PrometheusScrape.ScrapeAsync(management, gateway.ManagementAddress)).Sum("kpu_live_slow_viewers_closed_total");
            return (closed >= 1, $"{closed} closed after {version} versions of {pairs.Count} forms");
        }, TimeSpan.FromSeconds(30), "the gateway closes the stalled viewer");
        output.WriteLine($"closed after {version} versions of {pairs.Count} forms");

        await Eventually.HoldsAsync(() => Task.FromResult((
            pairs.Take(20).All(p => newest.GetValueOrDefault($"{p.Item1.Id}/{p.Item2.Code}") == version), $"{newest.Count} pairs heard")),
            TimeSpan.FromSeconds(30), "the reading viewer ends on the newest version of every pair it follows");
        Assert.Empty(outOfOrder);
        Assert.True(await stalled.EndsAsync(TimeSpan.FromSeconds(30)), "the stalled viewer's connection ends once it reads again");
        Assert.Equal(HubConnectionState.Connected, reader.State);
    }

    /// <summary>A WebSocket hub client with a 1 KiB receive window that subscribes and then reads nothing.</summary>
    private sealed class StalledViewer : IDisposable
    {
        private readonly ClientWebSocket _socket = new();

        public static async Task<StalledViewer> SubscribeAsync(Uri gateway, IEnumerable<(string Contest, string Region)> pairs)
        {
            var viewer = new StalledViewer();
            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, token) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 1024, NoDelay = true };
                    await socket.ConnectAsync(context.DnsEndPoint, token);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            var hub = new UriBuilder(new Uri(gateway, "hubs/tally")) { Scheme = "ws" }.Uri;
            await viewer._socket.ConnectAsync(hub, new HttpMessageInvoker(handler, disposeHandler: false), CancellationToken.None);
            await viewer.SendAsync("{\"protocol\":\"json\",\"version\":1}");
            var id = 0;
            foreach (var (contest, region) in pairs)
                await viewer.SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = (++id).ToString(), target = "Subscribe", arguments = new[] { contest, region } }));
            return viewer;
        }

        private Task SendAsync(string message) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(message + "\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);

        /// <summary>Reads what the gateway had sent before it closed the connection, then expects the end.</summary>
        public async Task<bool> EndsAsync(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var result = await _socket.ReceiveAsync(buffer, timeout.Token);
                    if (result.MessageType == WebSocketMessageType.Close) return true;
                }
            }
            catch (WebSocketException)
            {
                return true; // closed without a close frame: aborted
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose() => _socket.Dispose();
    }
}
