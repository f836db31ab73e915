using System.Collections.Concurrent;
using System.Net;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// A minimal stand-in for the gateway's photo reads: <c>GET</c> and <c>HEAD /api/v1/photos/{name}</c> answer the bytes
/// stored under the name, 404 otherwise. What it serves under a name is up to the test, so it can serve bytes that do
/// not hash to it. It remembers every request.
/// </summary>
public sealed class PhotoServer : HttpStandIn
{
    public ConcurrentDictionary<string, byte[]> Photos { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Requests { get; } = new();

    protected override async Task AnswerAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        Requests.Enqueue($"{context.Request.HttpMethod} {path}");
        var response = context.Response;
        const string prefix = "/api/v1/photos/";
        if (path.StartsWith(prefix, StringComparison.Ordinal) && Photos.TryGetValue(path[prefix.Length..], out var bytes))
        {
            response.StatusCode = 200;
            response.ContentType = "image/png";
            response.ContentLength64 = bytes.Length;
            if (context.Request.HttpMethod != "HEAD") await response.OutputStream.WriteAsync(bytes);
        }
        else
        {
            response.StatusCode = 404;
        }
        response.Close();
    }
}
