using System.Collections.Concurrent;
using System.Text.Json;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// A stand-in gateway whose rate limit bites once per thing asked: the first request for each form (or batch), each
/// tally, the contest list and the first hub connection (negotiation or WebSocket) get 429 with <c>Retry-After: 1</c>, the next one is served
/// as API.md says. It accepts every form and shows zero tallies; it counts what it refused and what it accepted.
/// </summary>
internal sealed class ThrottlingGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _asked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _accepted = new(StringComparer.Ordinal);
    private int _refused;

    private ThrottlingGateway(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    /// <summary>429s sent.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Times each form (tps/contest/vversion) was accepted.</summary>
    public IReadOnlyDictionary<string, int> Accepted => _accepted;

    public static async Task<ThrottlingGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSignalR();
        var app = builder.Build();
        var gateway = new ThrottlingGateway(app);
        app.Use(async (context, next) =>
        {
            // A viewer connects by negotiating first, or (the simulator's lean client) by a WebSocket straight to the hub.
            if ((context.Request.Path == "/hubs/tally/negotiate" || context.Request.Path == "/hubs/tally")
                && gateway.FirstTime("hub")) await gateway.RefuseAsync(context);
            else await next(context);
        });
        app.MapGet("/api/v1/contests", async context =>
        {
            if (gateway.FirstTime("contests")) await gateway.RefuseAsync(context);
            else await context.Response.WriteAsJsonAsync(Jatim.Registry.Contests.Select(c => new { id = c.Id }));
        });
        app.MapGet("/api/v1/tally/{contest}/{code}", async (HttpContext context, string contest, string code) =>
        {
            if (gateway.FirstTime($"tally {contest} {code}")) await gateway.RefuseAsync(context);
            else await context.Response.WriteAsJsonAsync(ZeroTally(contest, code));
        });
        app.MapPost("/api/v1/results", async context =>
        {
            using var form = await JsonDocument.ParseAsync(context.Request.Body);
            var key = KeyOf(form.RootElement);
            if (gateway.FirstTime(key)) await gateway.RefuseAsync(context);
            else
            {
                context.Response.StatusCode = 201;
                await context.Response.WriteAsJsonAsync(gateway.Accept(form.RootElement));
            }
        });
        app.MapPost("/api/v1/results/batch", async context =>
        {
            using var batch = await JsonDocument.ParseAsync(context.Request.Body);
            var forms = batch.RootElement.GetProperty("forms").EnumerateArray().ToList();
            if (gateway.FirstTime("batch of " + string.Join(",", forms.Select(KeyOf)))) await gateway.RefuseAsync(context);
            else await context.Response.WriteAsJsonAsync(new { results = forms.Select((f, i) => new { index = i, status = 201, body = gateway.Accept(f) }) });
        });
        app.MapHub<ZeroHub>("/hubs/tally");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        gateway.Address = new Uri(address + "/");
        return gateway;
    }

    private bool FirstTime(string key) => _asked.AddOrUpdate(key, 1, (_, n) => n + 1) == 1;

    private async Task RefuseAsync(HttpContext context)
    {
        Interlocked.Increment(ref _refused);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = "1";
        await context.Response.WriteAsJsonAsync(new { type = "about:blank", title = "Too Many Requests", status = 429, detail = "over the limit" },
            (JsonSerializerOptions?)null, "application/problem+json");
    }

    private object Accept(JsonElement form)
    {
        _accepted.AddOrUpdate(KeyOf(form), 1, (_, n) => n + 1);
        return new
        {
            tps = form.GetProperty("tps").GetString(), contest = form.GetProperty("contest").GetString(), version = form.GetProperty("version").GetInt64(),
            acceptedAt = DateTimeOffset.UtcNow, anomalies = Array.Empty<string>(),
        };
    }

    private static string KeyOf(JsonElement form) =>
        $"{form.GetProperty("tps").GetString()}/{form.GetProperty("contest").GetString()}/v{form.GetProperty("version").GetInt64()}";

    /// <summary>A tally with nothing counted yet, with the registry's facts about the region.</summary>
    public static object ZeroTally(string contest, string code)
    {
        var region = Jatim.Registry.Get(code);
        return new
        {
            contest, region = code, votes = Jatim.Registry.Contests.Single(c => c.Id == contest).Candidates.ToDictionary(c => c.Number, _ => 0L),
            valid = 0, invalid = 0, voted = 0, registered = region.Registered, registeredReported = 0, tpsExpected = region.TpsCount,
            tpsReported = 0, anomalies = 0, version = 0, updatedAt = (DateTimeOffset?)null,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The hub's <c>Subscribe</c>: the current (zero) tally; no updates follow.</summary>
    internal sealed class ZeroHub : Hub
    {
        public object Subscribe(string contest, string code) => ZeroTally(contest, code);
    }
}
