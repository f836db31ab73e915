using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using KpuOrleans.Gateway.Photos;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests.Photos;

/// <summary>
/// API.md "Photos of the form" with the production store: a real gateway process (and silo, and PostgreSQL) keeping its
/// photos in a real S3-compatible server (scripts/s3.sh). Photos outlive the gateway; a store that is down makes photos
/// 503 and nothing else, and they work again once it is back.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class S3PhotoGatewayTests(ITestOutputHelper output)
{
    private const string Tps = "35.78.01.1001.001";

    [Fact]
    public async Task Photos_kept_in_the_object_store_outlive_the_gateway_and_its_outage_stops_only_photos()
    {
        var s3 = S3Server.Gateway;
        await s3.StartAsync();
        var bucket = S3Server.NewBucket("gateway");
        // PostgreSQL is never stopped here: the shared server will do.
        await using var cluster = new LocalCluster(PostgresServer.Shared, silos: 1, baseEnvironment: s3.GatewayEnvironment(bucket));
        await cluster.CreateDatabaseAsync();
        await cluster.StartAsync();
        var token = OfficerToken.Mint(LocalCluster.SigningKey, "kpps-photos", Tps, "kpps", TimeSpan.FromHours(1));

        var png = TestPng.Make(800, 600, seed: Environment.TickCount);
        var name = Sha256(png);
        var stored = await PutAsync(cluster, name, png, token);
        Assert.True(stored.StatusCode == HttpStatusCode.Created, await DescribeAsync(stored));
        var body = await stored.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(name, body.GetProperty("sha256").GetString());
        Assert.Equal("image/png", body.GetProperty("contentType").GetString());
        Assert.Equal(png.Length, body.GetProperty("bytes").GetInt64());
        Assert.Equal(800, body.GetProperty("width").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(cluster, name, png, token)).StatusCode);

        await AssertServedAsync(cluster, name, png);
        // In the bucket itself, not in the gateway's memory: the original and its thumbnail.
        using (var client = S3PhotoStoreExtensions.CreateClient(s3.Options(bucket)))
        {
            var objects = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            Assert.Equal(2, objects.S3Objects.Count(o => o.Key.Contains(name, StringComparison.Ordinal)));
            Assert.Contains(objects.S3Objects, o => o.Size == png.Length);
        }

        await cluster.StopAllAsync();
        await cluster.StartAsync();
        output.WriteLine("gateway and silo restarted");
        await AssertServedAsync(cluster, name, png);

        await s3.StopAsync();
        try
        {
            var other = TestPng.Make(320, 240, seed: Environment.TickCount + 1);
            var refused = await PutAsync(cluster, Sha256(other), other, token);
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, await DescribeAsync(refused));
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            using (var read = await cluster.Http.GetAsync(new Uri(cluster.GatewayAddress, $"/api/v1/photos/{name}")))
                Assert.True(read.StatusCode == HttpStatusCode.ServiceUnavailable, await DescribeAsync(read));
            using (var thumb = await cluster.Http.GetAsync(new Uri(cluster.GatewayAddress, $"/api/v1/photos/{name}/thumb")))
                Assert.True(thumb.StatusCode == HttpStatusCode.ServiceUnavailable, await DescribeAsync(thumb));

            // The numbers do not wait for the photos.
            var form = SampleForms.Valid(Jatim.Registry.Get(Tps), Jatim.Registry.FindContest("PGUB-35")!, new Random(7));
            using var submit = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.GatewayAddress, "/api/v1/results"))
            {
                Content = JsonContent.Create(ApiJson.Form(form)),
            };
            submit.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Officers.For(form));
            using var accepted = await cluster.Http.SendAsync(submit);
            Assert.True(accepted.StatusCode == HttpStatusCode.Created, await DescribeAsync(accepted));
        }
        finally
        {
            await s3.StartAsync();
        }

        await AssertServedAsync(cluster, name, png);
        var later = TestPng.Make(320, 240, seed: Environment.TickCount + 2);
        var afterwards = await PutAsync(cluster, Sha256(later), later, token);
        Assert.True(afterwards.StatusCode == HttpStatusCode.Created, await DescribeAsync(afterwards));
        await AssertServedAsync(cluster, Sha256(later), later);
    }

    private static async Task AssertServedAsync(LocalCluster cluster, string name, byte[] png)
    {
        using var original = await cluster.Http.GetAsync(new Uri(cluster.GatewayAddress, $"/api/v1/photos/{name}"));
        Assert.True(original.StatusCode == HttpStatusCode.OK, await DescribeAsync(original));
        Assert.Equal("image/png", original.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"\"{name}\"", original.Headers.ETag?.Tag);
        Assert.Equal(png, await original.Content.ReadAsByteArrayAsync());

        using var thumb = await cluster.Http.GetAsync(new Uri(cluster.GatewayAddress, $"/api/v1/photos/{name}/thumb"));
        Assert.True(thumb.StatusCode == HttpStatusCode.OK, await DescribeAsync(thumb));
        Assert.Equal("image/jpeg", thumb.Content.Headers.ContentType?.MediaType);
        var jpeg = await thumb.Content.ReadAsByteArrayAsync();
        Assert.True(jpeg is [0xFF, 0xD8, 0xFF, ..], "the thumbnail is a JPEG");
    }

    private static async Task<HttpResponseMessage> PutAsync(LocalCluster cluster, string name, byte[] bytes, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(cluster.GatewayAddress, $"/api/v1/photos/{name}"))
        {
            Content = new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await cluster.Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
