using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.TestKit;

namespace KpuOrleans.Browser.Tests.Infrastructure;

/// <summary>
/// The embedded system (see <see cref="EmbeddedGateway"/>) in the Development environment, so that it serves
/// wwwroot through the build's static web assets manifest, the way `dotnet run --project src/Gateway` serves it from
/// the project folder; with the calls the page tests make on it.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly EmbeddedGateway _gateway;

    private GatewayServer(EmbeddedGateway gateway)
    {
        _gateway = gateway;
        Http = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address => _gateway.Address;

    public string LogPath => _gateway.Process.LogPath;

    public HttpClient Http { get; }

    /// <summary>Starts a gateway on <paramref name="port"/> (a free one when null) and waits until it answers.</summary>
    /// <param name="registryFolder">The registry it runs on (<c>Registry:Path</c>); Jawa Timur, the default, when null.</param>
    public static async Task<GatewayServer> StartAsync(int? port = null, string? registryFolder = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        if (registryFolder is not null) environment["Registry__Path"] = registryFolder;
        return new(await EmbeddedGateway.StartAsync(registryFolder is null ? "browser-gateway" : "browser-national", port, environment));
    }

    /// <summary>Submits a form as an outside client does; returns the status and the body.</summary>
    public async Task<(int Status, JsonElement Body)> PostFormAsync(ResultForm form)
    {
        using var content = new StringContent(ApiJson.Form(form).ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/api/v1/results", content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Submits a form that must be accepted as new (201).</summary>
    public async Task<JsonElement> AcceptAsync(ResultForm form)
    {
        var (status, body) = await PostFormAsync(form);
        Assert.True(status == 201, $"POST {form.Tps} v{form.Version}: expected 201, got {status}: {body}");
        return body;
    }

    /// <summary>Uploads a photo under its own hash, as a phone does (API.md, "Uploading a photo"); returns the status.</summary>
    public async Task<int> PutPhotoAsync(byte[] image, string contentType = "image/png")
    {
        using var content = new ByteArrayContent(image);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await Http.PutAsync($"/api/v1/photos/{TestPng.Sha256(image)}", content);
        return (int)response.StatusCode;
    }

    /// <summary>Submits a form citing its photographed pages (<c>photos</c>), which must be accepted as new (201).</summary>
    public async Task<JsonElement> AcceptWithPhotosAsync(ResultForm form, IReadOnlyList<string> photos)
    {
        var json = ApiJson.Form(form);
        json["photos"] = new JsonArray(photos.Select(p => (JsonNode?)p).ToArray());
        using var content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/api/v1/results", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"POST {form.Tps} with photos: expected 201, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Certifies a region as its officer does (API.md, "Certification"); the embedded gateway takes no token.</summary>
    public async Task<(int Status, JsonNode? Body)> CertifyAsync(string contest, string code)
    {
        using var response = await Http.PostAsync($"/api/v1/certify/{contest}/{code}", content: null);
        return await StatusAndBodyAsync(response);
    }

    /// <summary>Withdraws the certificate in force, with a reason.</summary>
    public async Task<(int Status, JsonNode? Body)> WithdrawAsync(string contest, string code, string reason)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/certify/{contest}/{code}")
        {
            Content = new StringContent(new JsonObject { ["reason"] = reason }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await Http.SendAsync(request);
        return await StatusAndBodyAsync(response);
    }

    private static async Task<(int Status, JsonNode? Body)> StatusAndBodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<JsonNode> GetJsonAsync(string path) =>
        (await Http.GetFromJsonAsync<JsonNode>(path)) ?? throw new InvalidOperationException($"GET {path} returned null");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _gateway.DisposeAsync();
    }
}
