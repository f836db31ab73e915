using System.Net;
using KpuOrleans.Hosting.Operations;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Every GET route the gateway has — found in its endpoint data source, so that a route added later is covered
/// without touching this test — also answers HEAD: the GET's status and headers, no body. Tallies say a CDN may keep them.
/// </summary>
public class HeadTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private static readonly string Tps = Jatim.Registry.TpsUnder("35.78.01.1001").First().Code;

    /// <summary>A value for each route parameter that names something real, so the GET succeeds where it can.</summary>
    private static readonly Dictionary<string, string> Values = new(StringComparer.OrdinalIgnoreCase)
    {
        ["contest"] = "PGUB-35", ["code"] = "35.78", ["tps"] = Tps, ["region"] = "35.78", ["documentName"] = "v1",
    };

    [Fact]
    public async Task Every_GET_route_answers_HEAD_with_the_same_status_and_headers_and_no_body()
    {
        var routes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(HttpMethods.Get) == true)
            .Where(e => !(e.RoutePattern.RawText ?? "").StartsWith("/hubs", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(routes, r => r.RoutePattern.RawText == "/api/v1/tally/{contest}/{code}");
        var checkedPaths = new List<string>();
        foreach (var route in routes)
        {
            var path = PathOf(route.RoutePattern);
            var management = route.Metadata.GetMetadata<ManagementOnly>() is not null;
            using var client = management ? host.CreateManagementClient() : host.CreateClient();
            using var get = await client.GetAsync(path);
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            var what = $"{route.RoutePattern.RawText} as {path}";
            Assert.True(get.StatusCode == head.StatusCode, $"{what}: GET {(int)get.StatusCode}, HEAD {(int)head.StatusCode}");
            Assert.True((await head.Content.ReadAsByteArrayAsync()).Length == 0, $"{what}: HEAD has a body");
            Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
            Assert.Equal(get.Headers.CacheControl?.ToString(), head.Headers.CacheControl?.ToString());
            if (!path.Contains("/ops/", StringComparison.Ordinal)) Assert.Equal(get.Headers.ETag, head.Headers.ETag);
            checkedPaths.Add($"{path} {(int)get.StatusCode}");
        }
        Assert.True(checkedPaths.Count >= 8, string.Join("\n", checkedPaths));
    }

    [Theory]
    [InlineData("/api/v1/tally/PGUB-35/NOPE")]
    [InlineData("/api/v1/tally/NOPE/35")]
    [InlineData("/api/v1/export/NOPE.csv")]
    [InlineData("/api/v1/regions/NOPE")]
    public async Task HEAD_is_404_where_GET_is(string path)
    {
        using var head = await host.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/tally/PGUB-35/35")]
    [InlineData("/api/v1/tally/PGUB-35/35.78/children")]
    public async Task A_tally_is_cacheable_by_a_CDN_for_a_second_and_served_stale_while_it_revalidates(string path)
    {
        using var client = host.CreateClient();
        foreach (var method in new[] { HttpMethod.Head, HttpMethod.Get })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, path));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var cache = response.Headers.CacheControl!;
            Assert.True(cache.Public, $"{method} {path}: {cache}");
            Assert.Equal(TimeSpan.FromSeconds(1), cache.MaxAge);
            Assert.Contains(cache.Extensions, e => e.Name == "stale-while-revalidate" && e.Value == "10");

            // A revalidation (304) says the same.
            using var revalidate = new HttpRequestMessage(method, path);
            revalidate.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            using var notModified = await client.SendAsync(revalidate);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.True(notModified.Headers.CacheControl?.Public, path);
        }
    }

    private static string PathOf(Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter when parameter.IsCatchAll => "",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => Values.GetValueOrDefault(parameter.Name, "x"),
            _ => "",
        })));
        return "/" + string.Join("/", segments);
    }
}
