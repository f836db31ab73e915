using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// A stand-in for the gateway's reads: each path answers what the test's function for it says, so a test can serve a
/// tampered proof, a top that moves between reads, or a 404. It remembers every request, with its query. Unknown
/// paths are 404.
/// </summary>
public sealed class StandInApi : HttpStandIn
{
    /// <summary>Absolute path (e.g. <c>/api/v1/contests</c>) → status, content type and body.</summary>
    public ConcurrentDictionary<string, Func<(int Status, string ContentType, string Body)>> Routes { get; } = new(StringComparer.Ordinal);

    /// <summary>Path and query of every request, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public void Json(string path, Func<string> body) => Routes[path] = () => (200, "application/json", body());

    protected override async Task AnswerAsync(HttpListenerContext context)
    {
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
