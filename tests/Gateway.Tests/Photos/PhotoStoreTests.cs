using System.Net;
using System.Net.Http.Headers;
using KpuOrleans.Gateway.Photos;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests.Photos;

/// <summary>Uploads of one photo many times over, one after another and all at once: stored once, every answer 2xx.</summary>
public class PhotoRetryTests(PhotoRetryTests.CountingHost host) : IClassFixture<PhotoRetryTests.CountingHost>
{
    // Room for every upload below to wait for a decode: the gate's own refusal is DecodeGateTests' subject.
    public sealed class CountingHost() : PhotoHost(new() { ["Photos:MaxQueuedDecodes"] = "64" }, Store)
    {
        public static readonly CountingPhotoStore Store = new();
    }

    [Fact]
    public async Task A_retry_storm_of_fifty_puts_stores_the_photo_once()
    {
        var photo = PhotoSamples.Png(seed: 51);
        var sha256 = PhotoSamples.Sha256(photo);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++) statuses.Add((await host.PutAsync(photo, "image/png")).Status);

        Assert.Equal(HttpStatusCode.Created, statuses[0]);
        Assert.Equal(49, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(1, CountingHost.Store.PutsOf(PhotoName.OriginalKey(sha256)));
        Assert.Equal(1, CountingHost.Store.PutsOf(PhotoName.ThumbnailKey(sha256)));
    }

    [Fact]
    public async Task Concurrent_uploads_of_one_photo_are_all_2xx_and_store_its_bytes()
    {
        var photo = PhotoSamples.Jpeg(width: 1600, height: 1200, seed: 52);
        var sha256 = PhotoSamples.Sha256(photo);
        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ => (await host.PutAsync(photo, "image/jpeg")).Status));

        Assert.All(answers, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)s}"));
        Assert.Contains(HttpStatusCode.Created, answers);
        await using var stored = await CountingHost.Store.ReadAsync(PhotoName.OriginalKey(sha256), CancellationToken.None);
        using var copy = new MemoryStream();
        await stored!.Content.CopyToAsync(copy);
        Assert.Equal(photo, copy.ToArray());
        // Every write of it was the same bytes under the same name, at most one per upload that found it absent.
        Assert.InRange(CountingHost.Store.PutsOf(PhotoName.OriginalKey(sha256)), 1, answers.Count(s => s == HttpStatusCode.Created));
    }
}

/// <summary>A store that cannot be reached: uploads and reads are 503 with Retry-After, and forms are still taken.</summary>
public class PhotoStoreDownTests(PhotoStoreDownTests.DownHost host) : IClassFixture<PhotoStoreDownTests.DownHost>
{
    public sealed class DownHost() : PhotoHost(null, new UnreachablePhotoStore());

    [Fact]
    public async Task Uploads_and_reads_are_503_with_retry_after_while_forms_are_still_taken()
    {
        var photo = PhotoSamples.Png(seed: 61);
        var (status, body, response) = await host.PutAsync(photo, "image/png");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter is not null, "Retry-After");
        Assert.Equal(503, body.GetProperty("status").GetInt32());

        foreach (var path in new[] { $"/api/v1/photos/{PhotoSamples.Sha256(photo)}", $"/api/v1/photos/{PhotoSamples.Sha256(photo)}/thumb" })
        {
            using var read = await host.CreateClient().GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
            Assert.True(read.Headers.RetryAfter is not null, $"Retry-After on {path}");
            Assert.Null(read.Headers.CacheControl);
        }
        await host.AssertServesFormsAsync("35.78.01.1001.004");
    }
}

/// <summary>The in-memory store is bounded: past <c>Photos:MemoryLimitBytes</c> an upload is a 503 naming the limit.</summary>
public class InMemoryPhotoStoreLimitTests(InMemoryPhotoStoreLimitTests.SmallHost host) : IClassFixture<InMemoryPhotoStoreLimitTests.SmallHost>
{
    public sealed class SmallHost() : PhotoHost(new() { ["Photos:MaxBytes"] = "200000", ["Photos:MemoryLimitBytes"] = "400000" });

    [Fact]
    public async Task A_full_store_is_503_naming_the_limit_and_keeps_what_it_holds()
    {
        var stored = new List<byte[]>();
        (HttpStatusCode Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response) last = default;
        for (var seed = 1; seed < 20; seed++)
        {
            var photo = PhotoSamples.Png(width: 200, height: 150, seed: seed);
            last = await host.PutAsync(photo, "image/png");
            if (last.Status != HttpStatusCode.Created) break;
            stored.Add(photo);
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, last.Status);
        Assert.Contains("Photos:MemoryLimitBytes", last.Body.GetProperty("detail").GetString());
        Assert.True(last.Response!.Headers.RetryAfter is not null, "Retry-After");
        Assert.InRange(stored.Count, 1, 10);
        foreach (var photo in stored)
            Assert.Equal(photo, await host.CreateClient().GetByteArrayAsync($"/api/v1/photos/{PhotoSamples.Sha256(photo)}"));
    }
}

/// <summary>Writers authenticate: an upload needs an officer's token, as a form does; reads stay anonymous.</summary>
public class PhotoAuthTests(AuthTests.AuthHost host) : IClassFixture<AuthTests.AuthHost>
{
    [Fact]
    public async Task An_upload_without_a_token_is_401_and_with_an_officers_token_201()
    {
        var photo = PhotoSamples.Png(seed: 71);
        var uploads = new PhotoUploadClient(host);
        var (anonymous, problem) = await uploads.PutAsync(photo, token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await uploads.PutAsync(photo, token: "not.a.token")).Status);

        var token = Simulator.Tokens.OfficerToken.Mint(AuthTests.AuthHost.Key, "kpps-1", "35.78.01.1001.001", "kpps", TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Created, (await uploads.PutAsync(photo, token)).Status);
        using var read = await host.CreateClient().GetAsync($"/api/v1/photos/{PhotoSamples.Sha256(photo)}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    private sealed class PhotoUploadClient(GatewayHost host)
    {
        public async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> PutAsync(byte[] photo, string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/photos/{PhotoSamples.Sha256(photo)}") { Content = new ByteArrayContent(photo) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await host.CreateClient().SendAsync(request);
            return (response.StatusCode, await GatewayHost.ReadBodyAsync(response));
        }
    }
}

/// <summary>The folder store: what it holds survives the gateway, and a write never leaves half a photo under its name.</summary>
public class FolderPhotoStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kpu-photos-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class FolderHost(string folder) : PhotoHost(new() { ["Photos:Store"] = "folder", ["Photos:Folder"] = folder });

    [Fact]
    public async Task A_photo_stored_in_the_folder_is_served_by_the_next_gateway()
    {
        var photo = PhotoSamples.WebP(seed: 81);
        var sha256 = PhotoSamples.Sha256(photo);
        await using (var first = new FolderHost(_folder))
            Assert.Equal(HttpStatusCode.Created, (await first.PutAsync(photo, "image/webp")).Status);

        await using var second = new FolderHost(_folder);
        Assert.Equal(HttpStatusCode.OK, (await second.PutAsync(photo, "image/webp")).Status);
        using var read = await second.CreateClient().GetAsync($"/api/v1/photos/{sha256}");
        Assert.Equal(photo, await read.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/webp", read.Content.Headers.ContentType?.MediaType);
        using var thumb = await second.CreateClient().GetAsync($"/api/v1/photos/{sha256}/thumb");
        Assert.Equal("image/jpeg", thumb.Content.Headers.ContentType?.MediaType);
        Assert.Equal([$"{sha256}"], Directory.GetFiles(Path.Combine(_folder, "photos")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_write_goes_to_a_temporary_file_renamed_into_place_and_leftovers_are_never_served()
    {
        var store = new FolderPhotoStore(_folder);
        var key = PhotoName.OriginalKey(new string('b', 64));
        // What a crash in the middle of a write leaves: a partial file beside the name, never the name itself.
        Directory.CreateDirectory(Path.Combine(_folder, "photos"));
        await File.WriteAllBytesAsync(Path.Combine(_folder, "photos", new string('b', 64) + ".partial-0123"), [0x89, 0x50]);
        Assert.Null(await store.FindAsync(key, CancellationToken.None));

        var png = PhotoSamples.Png(seed: 82);
        await store.PutAsync(key, "image/png", png, CancellationToken.None);
        Assert.Equal(new StoredPhoto("image/png", png.Length), await store.FindAsync(key, CancellationToken.None));
        Assert.Single(Directory.GetFiles(Path.Combine(_folder, "photos")), f => !f.Contains(".partial-"));
        await using var content = await store.ReadAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await content!.Content.CopyToAsync(copy);
        Assert.Equal(png, copy.ToArray());
        await Assert.ThrowsAsync<ArgumentException>(() => store.FindAsync("photos/../../etc/passwd", CancellationToken.None));
    }
}

/// <summary>The decode gate: so many decodes at once, so many waiting, and no more.</summary>
public class DecodeGateTests
{
    [Fact]
    public async Task Past_its_slots_and_its_queue_an_upload_is_refused_at_once_and_a_freed_slot_lets_the_next_in()
    {
        using var gate = new DecodeGate(concurrent: 1, queued: 1);
        var running = await gate.EnterAsync(CancellationToken.None);
        Assert.NotNull(running);
        var waiting = gate.EnterAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted, "a second upload waits for the slot");
        Assert.Null(await gate.EnterAsync(CancellationToken.None)); // the queue is full: refused, not queued
        running!.Dispose();
        using var next = await waiting;
        Assert.NotNull(next);
    }
}
