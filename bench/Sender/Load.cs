using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KpuOrleans.Bench.Sender;

/// <summary>What the sending produced: each request's answer and round trip, and the wall time from first send to last answer.</summary>
internal sealed record LoadResult(WireAnswer[] Answers, long[] RoundTripTicks, TimeSpan Sending);

/// <summary>
/// Sends every prepared request once, a fixed number in flight, each on its own keep-alive connection opened before
/// the clock starts. A request that gets no answer (the connection failed) is not sent again: it is recorded as
/// status 0 and fails the run, as the benchmark wants every form accepted at the first try.
/// </summary>
internal static class Load
{
    public static async Task<LoadResult> SendAsync(Uri target, IReadOnlyList<PreparedRequest> requests, int concurrency, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(target.Host, cancellationToken);
        var endpoint = new IPEndPoint(addresses.First(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6), target.Port);
        var connections = Enumerable.Range(0, Math.Min(concurrency, Math.Max(1, requests.Count))).Select(_ => new WireConnection(endpoint)).ToArray();
        try
        {
            foreach (var connection in connections) await connection.ConnectAsync(cancellationToken);
            var answers = new WireAnswer[requests.Count];
            var roundTrips = new long[requests.Count];
            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(connections.Select(connection => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests.Count)
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        answers[i] = await connection.ExchangeAsync(requests[i].Bytes, cancellationToken);
                    }
                    catch (Exception e) when (e is IOException or SocketException)
                    {
                        answers[i] = new WireAnswer(0, Encoding.UTF8.GetBytes(e.Message));
                        connection.Reset();
                    }
                    roundTrips[i] = Stopwatch.GetTimestamp() - started;
                }
            }, cancellationToken)));
            clock.Stop();
            return new LoadResult(answers, roundTrips, clock.Elapsed);
        }
        finally
        {
            foreach (var connection in connections) connection.Dispose();
        }
    }
}
