using System.Net.Sockets;
using System.Text;

namespace KpuOrleans.TestKit;

/// <summary>
/// Clients that ask for a download and never read a byte of it, with a tiny receive window, so that the server's
/// writes stall after a few kilobytes: what a hostile or broken reader costs a server that waits for it.
/// </summary>
public sealed class SlowReaders : IDisposable
{
    private readonly List<TcpClient> _clients = [];

    public static async Task<SlowReaders> OpenAsync(Uri server, string path, int count, Func<int, string>? forwardedFor = null)
    {
        var readers = new SlowReaders();
        for (var i = 0; i < count; i++)
        {
            var client = new TcpClient { ReceiveBufferSize = 1024 };
            readers._clients.Add(client);
            await client.ConnectAsync(server.Host, server.Port);
            var forwarded = forwardedFor is null ? "" : $"X-Forwarded-For: {forwardedFor(i)}\r\n";
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\n{forwarded}\r\n"));
        }
        return readers;
    }

    public int Count => _clients.Count;

    public void Dispose()
    {
        foreach (var client in _clients) client.Dispose();
    }
}
