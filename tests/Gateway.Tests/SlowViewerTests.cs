using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using KpuOrleans.Gateway.Live;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// A viewer's connection as the hub holds it, over a transport whose other end the test reads (or never reads): what a
/// viewer that stops reading costs the gateway, and what every viewer is sent while others lag.
/// </summary>
public class SlowViewerTests
{
    /// <summary>A viewer's transport buffer, as small as a real one (<see cref="LiveExtensions.TransportBufferBytes"/>) would be in proportion.</summary>
    private const int PipeBytes = 4 * 1024;

    private static readonly Registry.RegionInfo Village = Jatim.Registry.Get("35.78.01.1001");
    private static readonly Registry.Contest Governor = Jatim.Registry.FindContest("PGUB-35")!;

    private sealed class Client
    {
        private readonly Pipe _toClient = new(new PipeOptions(pauseWriterThreshold: PipeBytes, resumeWriterThreshold: PipeBytes / 2, useSynchronizationContext: false));
        private readonly Pipe _fromClient = new();

        public Client(StoppedClock clock)
        {
            var connection = new DefaultConnectionContext(Guid.NewGuid().ToString("N"),
                new DuplexPipe(_fromClient.Reader, _toClient.Writer), new DuplexPipe(_toClient.Reader, _fromClient.Writer));
            Hub = new HubConnectionContext(connection, new HubConnectionContextOptions { KeepAliveInterval = TimeSpan.FromMinutes(5), ClientTimeoutInterval = TimeSpan.FromMinutes(5) },
                NullLoggerFactory.Instance) { Protocol = new JsonHubProtocol() };
            Viewer = new Viewer(Hub, clock);
        }

        public HubConnectionContext Hub { get; }

        public Viewer Viewer { get; }

        /// <summary>
        /// What the gateway has written that the client has not read: what its transport holds for it. Looks without
        /// examining: a reader that marks the bytes examined lets a paused writer go on, and the viewer would move on
        /// while the test counts it.
        /// </summary>
        public long Unread()
        {
            if (!_toClient.Reader.TryRead(out var result)) return 0;
            var length = result.Buffer.Length;
            _toClient.Reader.AdvanceTo(result.Buffer.Start);
            return length;
        }

        /// <summary>Reads what arrived so far: each tally message's (region, version), in arrival order.</summary>
        public List<(string Region, long Version)> Read()
        {
            var received = new List<(string, long)>();
            while (_toClient.Reader.TryRead(out var result))
            {
                var text = Encoding.UTF8.GetString(result.Buffer.ToArray());
                _toClient.Reader.AdvanceTo(result.Buffer.End);
                foreach (var frame in text.Split('\u001e', StringSplitOptions.RemoveEmptyEntries))
                {
                    using var json = JsonDocument.Parse(frame);
                    var tally = json.RootElement.GetProperty("arguments")[0];
                    received.Add((tally.GetProperty("region").GetString()!, tally.GetProperty("version").GetInt64()));
                }
            }
            return received;
        }
    }

    /// <summary>Timestamps that move only when the test says: how long a write has waited is the test's to decide.</summary>
    private sealed class StoppedClock : TimeProvider
    {
        private long _ticks = 1;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private static TallySnapshot TallyAt(string region, long version) =>
        new(Governor.Id, region, Tally.Zero(Governor.Candidates.Count) with { Version = version, Valid = version }, DateTimeOffset.UnixEpoch);

    private static SerializedHubMessage MessageOf(TallySnapshot tally) =>
        new(new InvocationMessage("tally", [Api.TallyDto.From(tally, Jatim.Registry.Get(tally.Region), Governor)]));

    [Fact]
    public void A_viewer_that_never_reads_holds_one_waiting_message_per_pair_and_a_full_transport_buffer_at_most()
    {
        var clock = new StoppedClock();
        var client = new Client(clock);
        string[] regions = ["35.78.01.1001", "35.78.01.1002", "35.78.01.1003"];
        for (var version = 1; version <= 3_000; version++)
            foreach (var region in regions) client.Viewer.Offer((Governor.Id, region), MessageOf(TallyAt(region, version)));

        var largest = MessageOf(TallyAt(regions[0], 3_000)).GetSerializedMessage(new JsonHubProtocol()).Length;
        Assert.True(client.Unread() <= PipeBytes + largest, $"{client.Unread()} bytes wait in the transport (bound {PipeBytes + largest})");
        Assert.True(client.Viewer.Waiting <= regions.Length, $"{client.Viewer.Waiting} messages wait in the viewer");
        Assert.Equal(9_000, client.Viewer.Written + client.Viewer.Superseded + client.Viewer.Waiting + 1);
        Assert.True(client.Viewer.Superseded > 8_000, $"only {client.Viewer.Superseded} superseded");
    }

    [Fact]
    public async Task A_viewer_behind_longer_than_the_grace_period_is_closed_and_one_keeping_up_is_not()
    {
        var clock = new StoppedClock();
        var viewers = new Viewers(NullLogger<DefaultHubLifetimeManager<TallyHub>>.Instance, clock);
        var slow = new Client(clock);
        var reading = new Client(clock);
        var grace = TimeSpan.FromSeconds(15);
        for (var version = 1; version <= 200; version++)
        {
            slow.Viewer.Offer((Governor.Id, Village.Code), MessageOf(TallyAt(Village.Code, version)));
            reading.Viewer.Offer((Governor.Id, Village.Code), MessageOf(TallyAt(Village.Code, version)));
            reading.Read();
        }

        clock.Advance(grace - TimeSpan.FromSeconds(1));
        Assert.False(slow.Viewer.IsBehind(grace), "not behind before the grace period is over");
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(slow.Viewer.IsBehind(grace));
        Assert.False(reading.Viewer.IsBehind(grace));

        slow.Viewer.Disconnect();
        await Eventually.HoldsAsync(() => Task.FromResult((slow.Hub.ConnectionAborted.IsCancellationRequested, "aborted")),
            TimeSpan.FromSeconds(10), "the slow connection is aborted");
        Assert.False(reading.Hub.ConnectionAborted.IsCancellationRequested);
        Assert.Equal(0, viewers.DisconnectBehind(grace)); // none registered through the hub here: nothing to close
    }

    [Fact]
    public async Task Under_a_stalled_viewer_every_viewer_gets_versions_in_order_and_ends_on_the_newest()
    {
        var clock = new StoppedClock();
        var subscription = new Subscription(Village, Governor, NullLogger.Instance);
        var stalled = new Client(clock);
        var readers = Enumerable.Range(0, 3).Select(_ => new Client(clock)).ToList();
        foreach (var client in readers.Append(stalled)) Assert.True(subscription.TryAdd(client.Viewer));
        var received = readers.ToDictionary(c => c, _ => new List<(string Region, long Version)>());

        const int newest = 2_000;
        for (var version = 1; version <= newest; version++)
        {
            subscription.Offer(TallyAt(Village.Code, version));
            if (version % 7 == 0) subscription.Offer(TallyAt(Village.Code, version - 3)); // a stale push arriving late: never sent
            if (version % 50 == 0) foreach (var client in readers) received[client].AddRange(client.Read());
        }
        await Eventually.HoldsAsync(() =>
        {
            foreach (var client in readers) received[client].AddRange(client.Read());
            return Task.FromResult((readers.All(c => received[c].LastOrDefault().Version == newest), "every reader on the newest"));
        }, TimeSpan.FromSeconds(10), "every reading viewer ends on the newest tally");

        foreach (var versions in received.Values.Select(r => r.Select(m => m.Version).ToList()))
            Assert.True(versions.Zip(versions.Skip(1)).All(p => p.First < p.Second), $"out of order: {string.Join(",", versions.Take(50))}");
        var stalledVersions = stalled.Read().Select(m => m.Version).ToList();
        Assert.True(stalledVersions.Zip(stalledVersions.Skip(1)).All(p => p.First < p.Second), "the stalled viewer's own messages are in order too");
        Assert.True(stalled.Viewer.Waiting <= 1);
    }
}
