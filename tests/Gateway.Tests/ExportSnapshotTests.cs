using System.Net;
using System.Net.Http.Headers;
using KpuOrleans.Forms;
using KpuOrleans.Gateway.Api.Export;
using KpuOrleans.Ledger;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// The CSV export comes from a snapshot per contest: one ledger scan per window however many download it, a strong
/// ETag of the content, <c>Last-Modified</c>, 304 on <c>If-None-Match</c>. The scans are counted where they happen, at
/// the export's source; the window's clock is the test's.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class ExportSnapshotTests(ExportSnapshotTests.Host host) : IClassFixture<ExportSnapshotTests.Host>
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    public sealed class Host : GatewayHost
    {
        public ManualClock Clock { get; } = new(DateTimeOffset.Parse("2024-11-27T13:00:00Z"));

        public CountingExportSource Scans => Services.GetRequiredService<CountingExportSource>();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Export:SnapshotInterval", Window.ToString());
            builder.ConfigureTestServices(services =>
            {
                services.AddKeyedSingleton<TimeProvider>(ExportOptions.Section, Clock);
                services.AddSingleton(provider => new CountingExportSource(new LedgerExportSource(provider.GetRequiredService<ILedger>())));
                services.AddSingleton<IExportSource>(provider => provider.GetRequiredService<CountingExportSource>());
            });
        }
    }

    /// <summary>Each test its own contest, so that their snapshots and counts are their own.</summary>
    private static (Contest Contest, List<RegionInfo> Stations) Race(int index)
    {
        var contest = Jatim.Registry.Contests.Where(c => c.Kind != "governor").ElementAt(index);
        return (contest, Jatim.Registry.TpsUnder(contest.Scope).Take(3).ToList());
    }

    private async Task<(HttpResponseMessage Response, string Body)> DownloadAsync(Contest contest, string? ifNoneMatch = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, $"/api/v1/export/{contest.Id}.csv");
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ifNoneMatch));
        var response = await host.CreateClient().SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private async Task SubmitAsync(ResultForm form) => Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(form)).Status);

    [Fact]
    public async Task Downloads_within_the_window_share_one_scan_and_one_ETag_and_a_new_form_shows_after_it()
    {
        var (contest, stations) = Race(0);
        var random = new Random(81);
        await SubmitAsync(SampleForms.Valid(stations[0], contest, random));

        var (first, firstBody) = await DownloadAsync(contest);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak, "the ETag is a hash of the bytes: strong");
        Assert.NotNull(first.Content.Headers.LastModified);
        Assert.Contains("public", first.Headers.CacheControl?.ToString());
        Assert.Equal(1, host.Scans.Of(contest.Id));

        // A new form within the window: the same snapshot, no new scan.
        await SubmitAsync(SampleForms.Valid(stations[1], contest, random));
        host.Clock.Advance(Window - TimeSpan.FromMilliseconds(1));
        var (second, secondBody) = await DownloadAsync(contest);
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Equal(firstBody, secondBody);
        Assert.DoesNotContain(stations[1].Code, secondBody);
        Assert.Equal(1, host.Scans.Of(contest.Id));

        // After the window: one new scan, which shows it, under a new tag.
        host.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var (third, thirdBody) = await DownloadAsync(contest);
        Assert.Contains(stations[1].Code, thirdBody);
        Assert.NotEqual(etag, third.Headers.ETag);
        Assert.True(third.Content.Headers.LastModified > first.Content.Headers.LastModified);
        Assert.Equal(2, host.Scans.Of(contest.Id));

        // An unchanged regeneration keeps its tag and its Last-Modified.
        host.Clock.Advance(Window);
        var (fourth, _) = await DownloadAsync(contest);
        Assert.Equal(3, host.Scans.Of(contest.Id));
        Assert.Equal(third.Headers.ETag, fourth.Headers.ETag);
        Assert.Equal(third.Content.Headers.LastModified, fourth.Content.Headers.LastModified);
    }

    [Fact]
    public async Task If_None_Match_gets_304_without_a_body_and_HEAD_gets_the_headers_alone()
    {
        var (contest, stations) = Race(1);
        await SubmitAsync(SampleForms.Valid(stations[0], contest, new Random(82)));
        var (full, body) = await DownloadAsync(contest);
        var etag = full.Headers.ETag!.ToString();

        var (notModified, empty) = await DownloadAsync(contest, ifNoneMatch: etag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag?.ToString());
        Assert.Empty(empty);

        var (other, _) = await DownloadAsync(contest, ifNoneMatch: "\"not-this-one\"");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        var (head, headBody) = await DownloadAsync(contest, method: HttpMethod.Head);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(headBody);
        Assert.Equal(etag, head.Headers.ETag?.ToString());
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(body), head.Content.Headers.ContentLength);
        Assert.Equal(1, host.Scans.Of(contest.Id));
    }

    [Fact]
    public async Task Downloads_that_arrive_during_a_regeneration_wait_for_it_rather_than_start_their_own()
    {
        var (contest, stations) = Race(2);
        await SubmitAsync(SampleForms.Valid(stations[0], contest, new Random(83)));
        var release = host.Scans.Hold(contest.Id);

        var downloads = Enumerable.Range(0, 8).Select(_ => DownloadAsync(contest)).ToList();
        await Eventually.HoldsAsync(() => Task.FromResult((host.Scans.Of(contest.Id) == 1, $"{host.Scans.Of(contest.Id)} scans")),
            TimeSpan.FromSeconds(10), "the first download starts a scan");
        release.SetResult();
        var answers = await Task.WhenAll(downloads);

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Response.StatusCode));
        Assert.Single(answers.Select(a => a.Response.Headers.ETag!.ToString()).Distinct());
        Assert.Equal(1, host.Scans.Of(contest.Id));
    }
}

/// <summary>Counts the scans an export source serves, per contest; can hold one contest's scan until released.</summary>
public sealed class CountingExportSource(IExportSource inner) : IExportSource
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _scans = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> _holds = new();

    public int Of(string contest) => _scans.GetValueOrDefault(contest);

    public TaskCompletionSource Hold(string contest) =>
        _holds[contest] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public async IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _scans.AddOrUpdate(contest, 1, (_, n) => n + 1);
        if (_holds.TryRemove(contest, out var hold)) await hold.Task;
        await foreach (var row in inner.ReadLatestAsync(contest, cancellationToken)) yield return row;
    }
}

/// <summary>A clock that moves only when told.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>
/// The bound on downloads in flight, on the test server, whose response pipe stops a download after 64 KiB until the
/// client reads: held downloads stay held for as long as the test wants, with no socket buffers to absorb them.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class ExportDownloadLimitTests(ExportDownloadLimitTests.Host host) : IClassFixture<ExportDownloadLimitTests.Host>
{
    private const int Slots = 2;

    public sealed class Host : GatewayHost
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Export:MaxConcurrentDownloads", Slots.ToString());
        }
    }

    [Fact]
    public async Task Past_the_bound_a_download_is_503_problem_json_with_Retry_After_and_a_slot_frees_when_a_download_ends()
    {
        var contest = Jatim.Registry.FindContest("PGUB-35")!;
        var random = new Random(84);
        // Far more than 64 KiB of CSV (~150 bytes a row).
        var stations = Jatim.Registry.TpsUnder("35.78").Take(1_000).ToList();
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["forms"] = new System.Text.Json.Nodes.JsonArray([.. stations.Select(t => (System.Text.Json.Nodes.JsonNode)ApiJson.Form(SampleForms.Valid(t, contest, random)))]),
        };
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, "/api/v1/results/batch", body)).Status);

        var path = $"/api/v1/export/{contest.Id}.csv";
        var client = host.CreateClient();
        var held = new List<HttpResponseMessage>();
        for (var i = 0; i < Slots; i++)
        {
            var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            held.Add(response);
        }

        using (var refused = await client.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            Assert.Null(refused.Headers.ETag);
            Assert.Contains("export", await refused.Content.ReadAsStringAsync());
        }
        // A revalidation needs no slot.
        using (var revalidate = new HttpRequestMessage(HttpMethod.Get, path))
        {
            revalidate.Headers.IfNoneMatch.Add(held[0].Headers.ETag!);
            using var notModified = await client.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        // One held download read to its end frees its slot.
        var csv = await held[0].Content.ReadAsStringAsync();
        Assert.True(csv.Split('\n').Length > stations.Count, "the held download is the whole export");
        held[0].Dispose();
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync(path);
            return (response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}");
        }, TimeSpan.FromSeconds(10), "a download is served again once one has ended");
        foreach (var response in held.Skip(1)) response.Dispose();
    }
}
