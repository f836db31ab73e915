using System.Collections.Concurrent;
using System.Text.Json;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>
/// Many viewers, each a SignalR connection following the governor's race in one region (the province, a regency of
/// the slice or one of its districts), spread over the gateways; every message is kept with its arrival time.
/// </summary>
public sealed class LiveViewers : IAsyncDisposable
{
    public const string Contest = "PGUB-35";

    private readonly List<HubConnection> _connections = [];
    private readonly List<(string Region, ConcurrentQueue<(DateTime At, JsonElement Tally)> Messages)> _viewers = [];

    private LiveViewers(IReadOnlyList<string> regions) => Regions = regions;

    public IReadOnlyList<string> Regions { get; }

    public static async Task<LiveViewers> ConnectAsync(IReadOnlyList<Uri> gateways, int count, string[] slice)
    {
        string[] regions = ["35", .. slice, .. slice.SelectMany(r => Jatim.Registry.Get(r).Children)];
        var viewers = new LiveViewers(regions);
        for (var i = 0; i < count; i++)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(gateways[i % gateways.Count], "/hubs/tally"), o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .Build();
            var messages = new ConcurrentQueue<(DateTime, JsonElement)>();
            connection.On<JsonElement>("tally", tally => messages.Enqueue((DateTime.UtcNow, tally)));
            await connection.StartAsync();
            var region = regions[i % regions.Length];
            messages.Enqueue((DateTime.UtcNow, await connection.InvokeAsync<JsonElement>("Subscribe", Contest, region)));
            viewers._connections.Add(connection);
            viewers._viewers.Add((region, messages));
        }
        return viewers;
    }

    /// <summary>
    /// Prints, per phase, how many viewers whose region had submissions (<paramref name="loaded"/>: region, phase
    /// start) got updates and their longest silence; asserts that each got updates in every phase long enough to expect
    /// one (a small district can go a few seconds without a changed form).
    /// </summary>
    public void PrintAndAssertUpdates(Timeline timeline, Func<string, DateTime, bool> loaded, TimeSpan longEnough)
    {
        foreach (var (name, start, end) in timeline.Phases)
        {
            var viewers = _viewers.Where(v => loaded(v.Region, start)).ToList();
            var counts = viewers.Select(v => v.Messages.Count(m => m.At >= start && m.At < end)).ToList();
            var longestGap = viewers.Max(v => LongestGap(v.Messages, start, end));
            timeline.Say($"{name,-20} viewers updated: {counts.Count(c => c > 0)}/{counts.Count}, messages {counts.Sum():N0}, longest silence of a viewer {longestGap.TotalSeconds:N1} s");
            if (end - start >= longEnough)
                Assert.True(counts.All(c => c > 0), $"{counts.Count(c => c == 0)} viewers got no update during '{name}'");
        }
    }

    /// <summary>The longest time any viewer went without a message between two instants.</summary>
    public TimeSpan LongestSilence(DateTime start, DateTime end) => _viewers.Max(v => LongestGap(v.Messages, start, end));

    /// <summary>Regions whose viewers' last message is not the expected tally, e.g. "35.79.01: v1234 (want v1240)".</summary>
    public List<string> Behind(Func<string, Tallies.Tally> expected) =>
    [
        .. _viewers.Select(v => (v.Region, Last: v.Messages.Last().Tally, Expected: expected(v.Region)))
            .Where(v => v.Last.GetProperty("version").GetInt64() != v.Expected.Version
                || v.Last.GetProperty("valid").GetInt64() != v.Expected.Valid
                || v.Last.GetProperty("tpsReported").GetInt32() != v.Expected.TpsReported)
            .Select(v => $"{v.Region}: v{v.Last.GetProperty("version").GetInt64()} (want v{v.Expected.Version})")
            .Distinct(),
    ];

    private static TimeSpan LongestGap(IEnumerable<(DateTime At, JsonElement)> messages, DateTime start, DateTime end)
    {
        var times = messages.Select(m => m.At).Where(t => t >= start && t < end).Prepend(start).Append(end).ToList();
        return times.Zip(times.Skip(1), (a, b) => b - a).Max();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
    }
}
