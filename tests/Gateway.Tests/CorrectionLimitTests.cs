using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// One officer able to correct must not be able to lock a TPS by correcting it without end (API.md, "Limits"):
/// corrections per TPS and contest are limited, KPU Provinsi excepted, and nothing over the limit is stored.
/// </summary>
public class CorrectionLimitTests(CorrectionLimitTests.LimitHost host) : IClassFixture<CorrectionLimitTests.LimitHost>
{
    public sealed class LimitHost : GatewayHost
    {
        public static readonly byte[] Key = Encoding.UTF8.GetBytes("a test key of thirty-two bytes!!");

        public ShiftedClock Clock { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Auth:Enabled", "true");
            builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(Key));
            builder.UseSetting("Auth:Authority", "");
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        }
    }

    private const string Village = "35.78.01.1002";
    private static readonly Registry.Contest Governor = Jatim.Registry.FindContest("PGUB-35")!;

    private static string Token(string region, string role) =>
        OfficerToken.Mint(LimitHost.Key, $"{role}-officer", region, role, TimeSpan.FromHours(1));

    private async Task<(HttpStatusCode Status, JsonElement Body, RetryConditionHeaderValue? RetryAfter)> PostAsync(ResultForm form, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/results") { Content = JsonContent.Create(ApiJson.Form(form)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.CreateClient().SendAsync(request);
        return (response.StatusCode, await GatewayHost.ReadBodyAsync(response), response.Headers.RetryAfter);
    }

    private static ResultForm Version(Registry.RegionInfo tps, long version) =>
        SampleForms.Valid(tps, Governor, new Random((int)version), version, version > 1 ? $"recount {version}" : null);

    [Fact]
    public async Task A_correction_storm_from_one_village_token_stops_at_the_limit_of_its_TPS()
    {
        var stations = Jatim.Registry.TpsUnder(Village).ToList();
        var (tps, other) = (stations[0], stations[1]);
        var pps = Token(Village, "pps");
        var options = host.Services.GetRequiredService<IOptions<Tps.CorrectionOptions>>().Value;
        Assert.Equal(10, options.Limit);
        using var refusals = new RejectionCount("correction-limit");

        for (var version = 1; version <= 1 + options.Limit; version++)
            Assert.Equal(HttpStatusCode.Created, (await PostAsync(Version(tps, version), pps)).Status);

        var (status, body, retryAfter) = await PostAsync(Version(tps, 12), pps);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("Too many corrections", body.GetProperty("title").GetString());
        Assert.Contains(tps.Code, body.GetProperty("detail").GetString());
        Assert.Equal(11, body.GetProperty("currentVersion").GetInt64());
        var wait = retryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("a 429 without Retry-After in seconds");
        Assert.InRange(wait, TimeSpan.FromSeconds(1), options.Window);
        Assert.Equal(wait.TotalSeconds, body.GetProperty("retryAfter").GetInt32());

        // The storm itself: many at once, as a script would send them; none of them gets through.
        var storm = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => PostAsync(Version(tps, 12), pps)));
        Assert.All(storm, answer => Assert.Equal(HttpStatusCode.TooManyRequests, answer.Status));

        var ledger = host.Services.GetRequiredService<ILedger>();
        Assert.Equal(Enumerable.Range(1, 11).Select(v => (long)v),
            (await ledger.ReadTpsAsync(tps.Code)).Where(r => r.Form.Contest == Governor.Id).Select(r => r.Form.Version).Order());

        // A retry of what was accepted is an answer, not a new correction.
        var retry = await PostAsync(Version(tps, 5), pps);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(5, retry.Body.GetProperty("version").GetInt64());

        // The limit is the TPS's, not the token's: the same officer corrects a neighbour.
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(Version(other, 1), pps)).Status);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(Version(other, 2), pps)).Status);

        // KPU Provinsi corrects beyond it (a recount it ordered); the village officer still may not.
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(Version(tps, 12), Token("35", "provinsi"))).Status);
        var held = await PostAsync(Version(tps, 13), pps);
        Assert.Equal(HttpStatusCode.TooManyRequests, held.Status);
        Assert.Equal(1 + storm.Length + 1, refusals.Count);

        // Once the oldest corrections have left the window, as Retry-After said, the officer corrects again.
        host.Clock.Advance(held.RetryAfter!.Delta!.Value);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(Version(tps, 13), pps)).Status);
        Assert.Equal(13, (await ledger.ReadTpsAsync(tps.Code)).Count(r => r.Form.Contest == Governor.Id));
    }

    [Fact]
    public async Task Inside_a_batch_a_correction_over_the_limit_is_a_429_item_with_its_wait()
    {
        var tps = Jatim.Registry.TpsUnder(Village).ElementAt(2);
        var forms = Enumerable.Range(1, 12).Select(v => (System.Text.Json.Nodes.JsonNode)ApiJson.Form(Version(tps, v))).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/results/batch")
        {
            Content = JsonContent.Create(new System.Text.Json.Nodes.JsonObject { ["forms"] = new System.Text.Json.Nodes.JsonArray(forms) }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(Village, "pps"));
        using var response = await host.CreateClient().SendAsync(request);
        var results = (await GatewayHost.ReadBodyAsync(response)).GetProperty("results").EnumerateArray().ToList();

        Assert.Equal(Enumerable.Repeat(201, 11).Append(429), results.Select(r => r.GetProperty("status").GetInt32()));
        var refused = results[^1].GetProperty("body");
        Assert.Equal("Too many corrections", refused.GetProperty("title").GetString());
        Assert.InRange(refused.GetProperty("retryAfter").GetInt32(), 1, 3600);
    }
}

/// <summary>
/// Counts <c>kpu_forms_rejected_total</c> under one rule as it is recorded. The instrument is process-wide, so only a
/// rule no other test class produces gives an exact count.
/// </summary>
internal sealed class RejectionCount : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private long _count;

    public RejectionCount(string rule)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // By name: the instrument may be published while KpuMetrics is still initialising, before its field is set.
            if (instrument.Meter.Name == Telemetry.KpuMetrics.MeterName && instrument.Name == "kpu.forms.rejected") listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "rule" && Equals(tag.Value, rule)) Interlocked.Add(ref _count, value);
        });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
