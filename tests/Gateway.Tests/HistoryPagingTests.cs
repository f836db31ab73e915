using System.Net;
using System.Text.Json;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// <c>GET /api/v1/tps/{tps}/results/{contest}</c> never answers with a whole long history: pages of it, newest first,
/// with <c>limit</c> and <c>before</c>; without them the old shape, bounded.
/// </summary>
public class HistoryPagingTests(HistoryPagingTests.LongHistoryHost host) : IClassFixture<HistoryPagingTests.LongHistoryHost>
{
    /// <summary>A raised correction limit, so that one TPS can build a history longer than an answer holds.</summary>
    public sealed class LongHistoryHost : GatewayHost
    {
        public const string Tps = "35.78.02.1001.001";
        public const int Versions = 130;

        private readonly Lazy<Task> _history;

        public LongHistoryHost() => _history = new(async () =>
        {
            var tps = Jatim.Registry.Get(Tps);
            for (var version = 1; version <= Versions; version++)
            {
                var (status, body) = await PostFormAsync(SampleForms.Valid(tps, Governor, new Random(version), version));
                Assert.True(status == HttpStatusCode.Created, $"v{version}: {status} {body}");
            }
        });

        public Task HistoryAsync() => _history.Value;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Corrections:Limit", "1000");
        }
    }

    private static readonly Registry.Contest Governor = Jatim.Registry.FindContest("PGUB-35")!;
    private const string Path = $"/api/v1/tps/{LongHistoryHost.Tps}/results/PGUB-35";

    private async Task<JsonElement> GetAsync(string query)
    {
        await host.HistoryAsync();
        return await host.GetJsonAsync(Path + query);
    }

    private static long[] Versions(JsonElement answer) =>
        [.. answer.GetProperty("history").EnumerateArray().Select(f => f.GetProperty("version").GetInt64())];

    private static long[] Range(long from, long to) =>
        [.. from <= to ? Enumerable.Range((int)from, (int)(to - from + 1)).Select(v => (long)v) : Enumerable.Range((int)to, (int)(from - to + 1)).Select(v => (long)v).Reverse()];

    [Fact]
    public async Task Without_parameters_the_history_is_oldest_first_but_only_the_newest_hundred()
    {
        var answer = await GetAsync("");

        Assert.Equal(130, answer.GetProperty("current").GetProperty("version").GetInt64());
        Assert.Equal(Range(31, 130), Versions(answer));
        Assert.True(answer.GetProperty("truncated").GetBoolean());
        Assert.Equal($"{Path}?limit=100&before=31", answer.GetProperty("next").GetString());
    }

    [Fact]
    public async Task Pages_run_newest_first_and_next_leads_to_the_oldest()
    {
        var first = await GetAsync("?limit=50");
        Assert.Equal(Range(130, 81), Versions(first));
        Assert.Equal(130, first.GetProperty("current").GetProperty("version").GetInt64());

        var seen = new List<long>(Versions(first));
        var page = first;
        while (page.GetProperty("next").GetString() is { } next)
        {
            Assert.True(page.GetProperty("truncated").GetBoolean());
            page = await host.GetJsonAsync(next);
            seen.AddRange(Versions(page));
        }
        Assert.Equal(Range(130, 1), seen);
        Assert.False(page.GetProperty("truncated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("?limit=20", 130, 111)]
    [InlineData("?before=100", 99, 80)]
    [InlineData("?before=5&limit=10", 4, 1)]
    [InlineData("?before=1000&limit=3", 130, 128)]
    [InlineData("?limit=100", 130, 31)]
    public async Task A_page_holds_at_most_limit_versions_below_before(string query, long newest, long oldest)
    {
        var answer = await GetAsync(query);

        Assert.Equal(Range(newest, oldest), Versions(answer));
        Assert.Equal(oldest > 1, answer.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Below_the_first_version_the_page_is_empty_and_current_still_says_where_the_TPS_is()
    {
        var answer = await GetAsync("?before=1");

        Assert.Empty(Versions(answer));
        Assert.Equal(130, answer.GetProperty("current").GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?limit=-5", "limit")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?limit=", "limit")]
    [InlineData("?limit=1e2", "limit")]
    [InlineData("?before=0", "before")]
    [InlineData("?before=-1", "before")]
    [InlineData("?before=v3", "before")]
    [InlineData("?before=99999999999999999999", "before")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string parameter)
    {
        await host.HistoryAsync();
        var (status, body) = await host.SendAsync(HttpMethod.Get, Path + query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(parameter, out _), body.ToString());
    }

    [Fact]
    public async Task A_short_history_keeps_the_old_shape_whole()
    {
        var tps = Jatim.Registry.Get("35.78.02.1001.002");
        for (var version = 1; version <= 3; version++)
            Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(SampleForms.Valid(tps, Governor, new Random(version), version))).Status);

        var answer = await host.GetJsonAsync($"/api/v1/tps/{tps.Code}/results/PGUB-35");

        Assert.Equal([1L, 2L, 3L], Versions(answer));
        Assert.Equal(3, answer.GetProperty("current").GetProperty("version").GetInt64());
        Assert.False(answer.GetProperty("truncated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("next").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, "/api/v1/tps/35.78.02.1001.003/results/PGUB-35?limit=5")).Status);
    }
}
