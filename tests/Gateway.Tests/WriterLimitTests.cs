using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KpuOrleans.Gateway.Protection;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Tests;

/// <summary>The table on a gateway: over its burst a writer gets the 429 it got before, and another writer is still served.</summary>
public class WriterLimitTests(WriterLimitTests.LimitedHost host) : IClassFixture<WriterLimitTests.LimitedHost>
{
    public sealed class LimitedHost : GatewayHost
    {
        public const int Burst = 3;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Auth:Enabled", "true");
            builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(AuthTests.AuthHost.Key));
            builder.UseSetting("Auth:Authority", "");
            builder.UseSetting("RateLimits:Enabled", "true");
            builder.UseSetting("RateLimits:WriterRequestsPerSecond", "1");
            builder.UseSetting("RateLimits:WriterBurst", Burst.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private async Task<HttpResponseMessage> PostAsync(string tps, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/results")
        {
            Content = JsonContent.Create(ApiJson.Form(SubmitTests.FormFor(tps))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await host.CreateClient().SendAsync(request);
    }

    [Fact]
    public void The_gateway_counts_writers_in_the_table()
    {
        var options = host.Services.GetRequiredService<IOptions<RateLimiterOptions>>();

        Assert.IsType<WriterBuckets>(options.Value.GlobalLimiter);
    }

    [Fact]
    public async Task Over_its_burst_a_writer_gets_429_with_Retry_After_and_another_writer_is_served()
    {
        var region = "35.78.01.1001";
        var hammering = OfficerToken.Mint(AuthTests.AuthHost.Key, "pps-hammering", region, "pps", TimeSpan.FromHours(1));
        var stations = Jatim.Registry.TpsUnder(region).Select(t => t.Code).ToList();

        // Until the first refusal: the bucket refills one a second on the real clock, so a slow machine lets a few
        // more through first, never fewer than the burst and never more than the refill allows.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        var clock = Stopwatch.StartNew();
        for (var i = 0; refused is null && i < stations.Count - 1; i++) // the last TPS is the other writer's
        {
            var response = await PostAsync(stations[i], hammering);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused = response;
            else response.Dispose();
        }
        var elapsed = clock.Elapsed;

        Assert.NotNull(refused);
        Assert.All(statuses.SkipLast(1), status => Assert.Equal(HttpStatusCode.Created, status));
        Assert.InRange(statuses.Count - 1, LimitedHost.Burst, LimitedHost.Burst + (int)Math.Ceiling(elapsed.TotalSeconds) + 1);
        using (refused!)
        {
            Assert.Equal("1", Assert.Single(refused.Headers.GetValues("Retry-After")));
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var problem = await GatewayHost.ReadBodyAsync(refused);
            Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
            Assert.Equal("Too many requests from writer 'pps-hammering'; retry after 1 s.", problem.GetProperty("detail").GetString());
        }

        var other = OfficerToken.Mint(AuthTests.AuthHost.Key, "pps-quiet", region, "pps", TimeSpan.FromHours(1));
        using var served = await PostAsync(stations[^1], other);
        Assert.Equal(HttpStatusCode.Created, served.StatusCode);
    }
}
