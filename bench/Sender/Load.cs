using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KpuOrleans.Bench.Sender;

/// <summary>What the sending produced: each request's answer and round trip, and the wall time from first send to last answer.</summary>
internal sealed record LoadResult(WireAnswer[] Answers, long[] RoundTripTicks, TimeSpan Sending);

/// <summary>
/// Sends every prepared request once, a fixed number in flight, each on its own keep-alive connection, opened before
/// the clock starts, and its own thread. A request that gets no answer (the connection failed, or no answer within the
/// timeout) is not sent again: it is recorded as status 0 and fails the run, as the benchmark wants every form accepted
/// at the first try. Past the deadline the connections are closed and what is left is recorded as not sent.
/// </summary>
internal static class Load
{
    private static readonly byte[] NotSent = Encoding.UTF8.GetBytes("not sent: the run's --timeout passed");

    public static async Task<LoadResult> SendAsync(Uri target, IReadOnlyList<PreparedRequest> requests, int concurrency, TimeSpan timeout)
    {
        var addresses = await Dns.GetHostAddressesAsync(target.Host);
        var endpoint = new IPEndPoint(addresses.First(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6), target.Port);
        var connections = Enumerable.Range(0, Math.Min(concurrency, Math.Max(1, requests.Count))).Select(_ => new WireConnection(endpoint, timeout)).ToArray();
        try
        {
            foreach (var connection in connections) connection.Connect();
            var answers = new WireAnswer[requests.Count];
            var roundTrips = new long[requests.Count];
            var next = -1;
            var expired = false;
            var clock = Stopwatch.StartNew();
            var threads = connections.Select(connection => new Thread(() =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests.Count)
                {
                    if (Volatile.Read(ref expired))
                    {
                        answers[i] = new WireAnswer(0, NotSent);
                        continue;
                    }
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        answers[i] = connection.Exchange(requests[i].Bytes);
                    }
                    catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
                    {
                        answers[i] = new WireAnswer(0, Encoding.UTF8.GetBytes(e.Message));
                        connection.Reset();
                    }
                    roundTrips[i] = Stopwatch.GetTimestamp() - started;
                }
            }) { IsBackground = true, Name = "sender" }).ToArray();
            foreach (var thread in threads) thread.Start();
            using (new Timer(_ =>
            {
                Volatile.Write(ref expired, true);
                foreach (var connection in connections) connection.Reset();
            }, null, timeout, Timeout.InfiniteTimeSpan))
            {
                await Task.Run(() => { foreach (var thread in threads) thread.Join(); });
            }
            clock.Stop();
            return new LoadResult(answers, roundTrips, clock.Elapsed);
        }
        finally
        {
            foreach (var connection in connections) connection.Dispose();
        }
    }
}
