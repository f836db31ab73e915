using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace KpuOrleans.Gateway.Tests;

/// <summary>The gateway exactly as <c>dotnet run --project src/Gateway</c> starts it (co-hosted silo, in memory), on free ports.</summary>
public class GatewayHost : WebApplicationFactory<Program>
{
    /// <summary>The port <c>Management:Urls</c> names; the test server binds nothing, so requests say it themselves.</summary>
    public int ManagementPort { get; } = FreePorts.Next();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Management:Urls", $"http://localhost:{ManagementPort}");
        builder.UseSetting("Orleans:SiloPort", FreePorts.Next().ToString());
        builder.UseSetting("Orleans:GatewayPort", FreePorts.Next().ToString());
        builder.UseSetting("Orleans:ClusterId", $"gateway-test-{Guid.NewGuid():N}");
        builder.UseSetting("Tally:FlushInterval", "00:00:00.050");
        // Embedded on purpose, also when the tests themselves run in a container (DOTNET_RUNNING_IN_CONTAINER).
        builder.UseSetting("Kpu:AllowEmbedded", "true");
        // Tests read the export right after their forms: a fresh snapshot each time (ExportSnapshotTests tests the window).
        builder.UseSetting("Export:SnapshotInterval", "00:00:00.001");
    }

    /// <summary>
    /// Stopping the co-hosted silo after a class's tests is not what any test here asserts, and it can race the hub's
    /// last connections closing (seen once in CI as a NullReferenceException in the fixture's cleanup, which failed a
    /// run whose every test had passed). Such an error is printed, with its stack, rather than failing the run.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        catch (Exception e) when (e is NullReferenceException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"{GetType().Name}: stopping the test host failed: {e}");
        }
    }

    /// <summary>
    /// A client whose requests arrive as on the management port: the test server has no listeners, so each request's
    /// connection carries the local port that Kestrel would have accepted it on.
    /// </summary>
    public HttpClient CreateManagementClient(bool allowAutoRedirect = true)
    {
        HttpMessageHandler handler = Server.CreateHandler(http => http.Connection.LocalPort = ManagementPort);
        if (allowAutoRedirect) handler = new RedirectingHandler(handler);
        return new HttpClient(handler) { BaseAddress = Server.BaseAddress };
    }

    /// <summary>A hub client over the test server's WebSockets, so that messages arrive one by one as they are sent.</summary>
    /// <param name="client">
    /// The client address the gateway should see, named in <c>X-Forwarded-For</c> from loopback as an Ingress would; unset,
    /// the test server's own (none).
    /// </param>
    public IHubConnectionBuilder Hub(string? client = null) => new HubConnectionBuilder().WithUrl(new Uri(Server.BaseAddress, "hubs/tally"), options =>
    {
        options.Transports = HttpTransportType.WebSockets;
        options.SkipNegotiation = true;
        options.WebSocketFactory = async (context, token) =>
        {
            var socket = Server.CreateWebSocketClient();
            if (client is not null)
                socket.ConfigureRequest = request =>
                {
                    request.HttpContext.Connection.RemoteIpAddress = IPAddress.Loopback;
                    request.Headers["X-Forwarded-For"] = client;
                };
            return await socket.ConnectAsync(context.Uri, token);
        };
    });

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostFormAsync(ResultForm form) =>
        await SendAsync(HttpMethod.Post, "/api/v1/results", ToJson(form));

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await CreateClient().SendAsync(request);
        return (response.StatusCode, await ReadBodyAsync(response));
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await CreateClient().GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await ReadBodyAsync(response);
    }

    public static async Task<JsonElement> ReadBodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static JsonObject ToJson(ResultForm form) => ApiJson.Form(form);
}

/// <summary>Follows a redirect on the same handler, as WebApplicationFactory's own clients do.</summary>
internal sealed class RedirectingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        for (var hops = 0; hops < 5 && (int)response.StatusCode is 301 or 302 or 307 or 308 && response.Headers.Location is { } location; hops++)
        {
            response.Dispose();
            response = await base.SendAsync(new HttpRequestMessage(request.Method, new Uri(request.RequestUri!, location)), cancellationToken);
        }
        return response;
    }
}
