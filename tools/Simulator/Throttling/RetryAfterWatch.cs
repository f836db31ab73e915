using System.Net;
using System.Net.Http.Headers;

namespace KpuOrleans.Simulator.Throttling;

/// <summary>
/// Keeps the Retry-After of a hub connection's last 429, seen from inside its HTTP pipeline: SignalR's failed start
/// carries the status code but not the headers.
/// </summary>
internal sealed class RetryAfterWatch
{
    private RetryConditionHeaderValue? _last;

    /// <summary>The last 429's Retry-After, once; null when it had none (or none came): the default wait applies.</summary>
    public RetryConditionHeaderValue? TakeLast() => Interlocked.Exchange(ref _last, null);

    /// <summary>For <c>HttpMessageHandlerFactory</c>, which SignalR calls again for every start.</summary>
    public HttpMessageHandler Around(HttpMessageHandler inner) => new Recorder(this, inner);

    private sealed class Recorder(RetryAfterWatch watch, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // A browser negotiates over the connection its page came on. A simulated viewer has no page, and its own
            // connection pool would keep the negotiate's connection idle for the gateway's keep-alive minute: two
            // sockets per viewer on both sides while viewers connect (issue 16: 16,000 of a 20,000 limit at 10,000).
            if (request.RequestUri?.AbsolutePath.EndsWith("/negotiate", StringComparison.Ordinal) == true) request.Headers.ConnectionClose = true;
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) Volatile.Write(ref watch._last, response.Headers.RetryAfter);
            return response;
        }
    }
}
