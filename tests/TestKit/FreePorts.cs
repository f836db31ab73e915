using System.Net;
using System.Net.Sockets;

namespace KpuOrleans.TestKit;

public static class FreePorts
{
    // Below the kernel's ephemeral range: a port handed out from that range can be taken, before the process that was
    // given it binds it, as the source port of any outgoing connection (PostgreSQL, Orleans, HTTP), and the process then
    // fails with "address already in use". Ports here are never handed out that way. Each test process starts at its
    // own place in the range, so that two running at once rarely meet, and the bind check skips any port in use.
    private const int Lowest = 20_000;
    private static readonly int Highest = EphemeralStart() - 1;
    private static int _next = Lowest + Random.Shared.Next(Math.Max(1, Highest - Lowest));
    private static readonly Lock Gate = new();

    /// <summary>A loopback port nobody listens on right now, for a test host's silo or gateway.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var tried = 0; tried <= Highest - Lowest; tried++)
            {
                var port = _next;
                _next = _next >= Highest ? Lowest : _next + 1;
                if (IsFree(port)) return port;
            }
        }
        throw new InvalidOperationException($"no free loopback port between {Lowest} and {Highest}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of Linux's ephemeral range (<c>ip_local_port_range</c>), or the usual one.</summary>
    private static int EphemeralStart()
    {
        const int usual = 32_768;
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out var start) && start > Lowest + 1_000 ? start : usual;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return usual;
        }
    }
}
