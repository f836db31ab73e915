using System.Collections.Concurrent;
using System.Net;
using System.Text;
using KpuOrleans.TestKit;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// A stand-in for the gateway's reads (HttpListener, not the gateway's code): each path answers what the test's
/// function for it says, so a test can serve a tampered proof, a top that moves between reads, or a 404. It remembers
/// every request, with its query. Unknown paths are 404.
/// </summary>
public sealed class StandInApi : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public StandInApi()
    {
        Address = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri Address { get; }

    /// <summary>Absolute path (e.g. <c>/api/v1/contests</c>) → status, content type and body.</summary>
    public ConcurrentDictionary<string, Func<(int Status, string ContentType, string Body)>> Routes { get; } = new(StringComparer.Ordinal);

    /// <summary>Path and query of every request, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public void Json(string path, Func<string> body) => Routes[path] = () => (200, "application/json", body());

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var url = context.Request.Url!;
            Requests.Enqueue(url.PathAndQuery);
            var (status, type, body) = Routes.TryGetValue(url.AbsolutePath, out var route) ? route() : (404, "application/problem+json", "{\"title\":\"Not Found\"}");
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = type;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
