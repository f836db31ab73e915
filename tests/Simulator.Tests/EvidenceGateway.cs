using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// A stand-in gateway for the photo side of API.md, to see what the simulator sends and in which order: it stores
/// photos by name (HEAD 200/404; PUT 201, 200 when stored, 422 when the body does not hash to the name; each photo's
/// first PUT is a 503 with <c>Retry-After: 0</c>, as a busy store answers), accepts every form (noting which of its
/// pages were stored when it came) and every dispute (with the address it claims to come from).
/// </summary>
internal sealed class EvidenceGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _photos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _puts = new(StringComparer.Ordinal);

    private EvidenceGateway(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public IReadOnlyDictionary<string, byte[]> Photos => _photos;

    /// <summary>Each form as it came: its key, its pages, and how many of them were stored at that moment.</summary>
    public ConcurrentQueue<(string Key, string[] Pages, int StoredThen)> Forms { get; } = new();

    public ConcurrentQueue<(string Tps, string Contest, string Field, string Note, string? ForwardedFor)> Disputes { get; } = new();

    public ConcurrentQueue<string> Refusals { get; } = new();

    public static async Task<EvidenceGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gateway = new EvidenceGateway(app);
        app.MapGet("/api/v1/contests", () => Jatim.Registry.Contests.Select(c => new { id = c.Id }));
        app.MapMethods("/api/v1/photos/{name}", ["HEAD"], (string name) => gateway._photos.ContainsKey(name) ? Results.Ok() : Results.NotFound());
        app.MapPut("/api/v1/photos/{name}", async (HttpContext context, string name) =>
        {
            if (gateway._photos.ContainsKey(name)) return Results.Ok(new { sha256 = name });
            if (gateway._puts.AddOrUpdate(name, 1, (_, n) => n + 1) == 1)
            {
                context.Response.Headers.RetryAfter = "0";
                return Results.Problem("the store is busy", statusCode: 503);
            }
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var bytes = body.ToArray();
            if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != name || context.Request.ContentType != "image/png")
            {
                gateway.Refusals.Enqueue($"PUT {name}: {context.Request.ContentType}, {bytes.Length} bytes that hash otherwise");
                return Results.Problem("the body does not hash to the name", statusCode: 422);
            }
            gateway._photos[name] = bytes;
            return Results.Created((string?)null, new { sha256 = name });
        });
        app.MapPost("/api/v1/results", async context =>
        {
            using var form = await JsonDocument.ParseAsync(context.Request.Body);
            var (status, body) = gateway.Accept(form.RootElement);
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(body);
        });
        app.MapPost("/api/v1/results/batch", async context =>
        {
            using var batch = await JsonDocument.ParseAsync(context.Request.Body);
            var results = batch.RootElement.GetProperty("forms").EnumerateArray()
                .Select((f, i) => gateway.Accept(f) is var (status, body) ? new { index = i, status, body } : null).ToList();
            await context.Response.WriteAsJsonAsync(new { results });
        });
        app.MapPost("/api/v1/disputes", async context =>
        {
            using var dispute = await JsonDocument.ParseAsync(context.Request.Body);
            var root = dispute.RootElement;
            gateway.Disputes.Enqueue((root.GetProperty("tps").GetString()!, root.GetProperty("contest").GetString()!, root.GetProperty("field").GetString()!,
                root.GetProperty("note").GetString()!, context.Request.Headers["X-Forwarded-For"].FirstOrDefault()));
            context.Response.StatusCode = 201;
            await context.Response.WriteAsJsonAsync(new { id = Guid.NewGuid().ToString("N"), status = "open" });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        gateway.Address = new Uri(address + "/");
        return gateway;
    }

    private readonly ConcurrentDictionary<string, object> _accepted = new(StringComparer.Ordinal);

    /// <summary>201 with a new acceptance, or 200 with the first one again for a form already accepted (a retry).</summary>
    private (int Status, object Body) Accept(JsonElement form)
    {
        string[] pages = form.TryGetProperty("photos", out var photos) ? [.. photos.EnumerateArray().Select(p => p.GetString()!)] : [];
        var key = $"{form.GetProperty("tps").GetString()}/{form.GetProperty("contest").GetString()}/v{form.GetProperty("version").GetInt64()}";
        Forms.Enqueue((key, pages, pages.Count(_photos.ContainsKey)));
        var fresh = new
        {
            tps = form.GetProperty("tps").GetString(), contest = form.GetProperty("contest").GetString(), version = form.GetProperty("version").GetInt64(),
            acceptedAt = DateTimeOffset.UtcNow, anomalies = Array.Empty<string>(),
        };
        var body = _accepted.GetOrAdd(key, fresh);
        return (ReferenceEquals(body, fresh) ? 201 : 200, body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
