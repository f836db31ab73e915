using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KpuOrleans.Gateway.Photos;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests.Photos;

/// <summary>The gateway as the tests host it, with photo settings on top and, when given, a store of the test's own.</summary>
public class PhotoHost : GatewayHost
{
    private readonly Dictionary<string, string?>? settings;
    private readonly IPhotoStore? store;

    public PhotoHost() { }

    protected PhotoHost(Dictionary<string, string?>? settings, IPhotoStore? store = null)
    {
        this.settings = settings;
        this.store = store;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in settings ?? []) builder.UseSetting(key, value);
        if (store is not null) builder.ConfigureTestServices(services => services.AddSingleton(store));
    }

    public async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PutAsync(
        byte[] body, string? contentType, string? name = null, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/photos/{name ?? PhotoSamples.Sha256(body)}") { Content = new ByteArrayContent(body) };
        if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await CreateClient().SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return (response.StatusCode, await ReadBodyAsync(response), response);
    }

    /// <summary>A form accepted after whatever came before: the process is still whole.</summary>
    public async Task AssertServesFormsAsync(string tps)
    {
        var (status, body) = await PostFormAsync(SubmitTests.FormFor(tps));
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"a form at {tps}: {(int)status} {body}");
        using var live = await CreateClient().GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}

/// <summary>A store that counts what it is asked to write and keeps it in memory.</summary>
public sealed class CountingPhotoStore : IPhotoStore
{
    private readonly InMemoryPhotoStore _inner = new(1L << 30);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _puts = new();

    public int PutsOf(string key) => _puts.GetValueOrDefault(key);

    public Task<StoredPhoto?> FindAsync(string key, CancellationToken cancellationToken) => _inner.FindAsync(key, cancellationToken);

    public Task PutAsync(string key, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        _puts.AddOrUpdate(key, 1, (_, n) => n + 1);
        return _inner.PutAsync(key, contentType, content, cancellationToken);
    }

    public Task<PhotoContent?> ReadAsync(string key, CancellationToken cancellationToken) => _inner.ReadAsync(key, cancellationToken);
}

/// <summary>A store that cannot be reached, as an object store whose server is down.</summary>
public sealed class UnreachablePhotoStore : IPhotoStore
{
    private static PhotoStoreUnavailableException Down() => new("The photo store cannot be reached now; nothing was stored.");

    public Task<StoredPhoto?> FindAsync(string key, CancellationToken cancellationToken) => throw Down();

    public Task PutAsync(string key, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => throw Down();

    public Task<PhotoContent?> ReadAsync(string key, CancellationToken cancellationToken) => throw Down();
}
