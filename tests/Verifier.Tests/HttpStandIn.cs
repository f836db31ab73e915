using System.Net;
using KpuOrleans.TestKit;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// A stand-in HTTP server on a free loopback port (HttpListener, not the gateway's code), answering each request as
/// the subclass says, until disposed.
/// </summary>
public abstract class HttpStandIn : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    protected HttpStandIn()
    {
        Address = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri Address { get; }

    /// <summary>Answers one request and closes its response.</summary>
    protected abstract Task AnswerAsync(HttpListenerContext context);

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
            await AnswerAsync(context);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
        GC.SuppressFinalize(this);
    }
}
