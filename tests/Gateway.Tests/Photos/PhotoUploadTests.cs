using System.Net;
using System.Text.Json;
using SkiaSharp;

namespace KpuOrleans.Gateway.Tests.Photos;

/// <summary>PUT /api/v1/photos/{sha256}: every status of API.md's table that needs no special store or setting.</summary>
public class PhotoUploadTests(PhotoHost host) : IClassFixture<PhotoHost>
{
    public static TheoryData<string, string> Formats => new() { { "png", "image/png" }, { "jpeg", "image/jpeg" }, { "webp", "image/webp" } };

    private static byte[] Sample(string format, int seed) => format switch
    {
        "png" => PhotoSamples.Png(seed: seed),
        "jpeg" => PhotoSamples.Jpeg(seed: seed),
        _ => PhotoSamples.WebP(seed: seed),
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task A_new_photo_is_201_and_the_same_again_200_with_the_same_body(string format, string contentType)
    {
        var photo = Sample(format, seed: 11);
        var sha256 = PhotoSamples.Sha256(photo);

        var (status, body, _) = await host.PutAsync(photo, contentType);
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");
        Assert.Equal(sha256, body.GetProperty("sha256").GetString());
        Assert.Equal(contentType, body.GetProperty("contentType").GetString());
        Assert.Equal(photo.Length, body.GetProperty("bytes").GetInt64());
        Assert.Equal(640, body.GetProperty("width").GetInt32());
        Assert.Equal(320, body.GetProperty("height").GetInt32());

        var (again, againBody, _) = await host.PutAsync(photo, contentType);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(body.ToString(), againBody.ToString());
    }

    [Fact]
    public async Task An_uppercase_name_is_accepted_and_answered_in_lowercase()
    {
        var photo = PhotoSamples.Png(seed: 12);
        var (status, body, _) = await host.PutAsync(photo, "image/png", PhotoSamples.Sha256(photo).ToUpperInvariant());
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(PhotoSamples.Sha256(photo), body.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Parameters_of_the_content_type_are_ignored()
    {
        var photo = PhotoSamples.Jpeg(seed: 13);
        var (status, body, _) = await host.PutAsync(photo, "IMAGE/JPEG; quality=high");
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");
        Assert.Equal("image/jpeg", body.GetProperty("contentType").GetString());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("00000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("%2e%2e%2fphotos")]
    public async Task A_name_that_is_not_64_hex_characters_is_400_naming_sha256(string name)
    {
        var (status, body, _) = await host.PutAsync(PhotoSamples.Png(seed: 14), "image/png", name);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("sha256", out _), body.ToString());
    }

    [Fact]
    public async Task A_body_that_does_not_hash_to_the_name_is_422_naming_sha256_and_stores_nothing()
    {
        var photo = PhotoSamples.Png(seed: 15);
        var other = PhotoSamples.Sha256(PhotoSamples.Png(seed: 16));
        var (status, body, response) = await host.PutAsync(photo, "image/png", other);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.GetProperty("errors").TryGetProperty("sha256", out _), body.ToString());
        using var read = await host.CreateClient().GetAsync($"/api/v1/photos/{other}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using var thumb = await host.CreateClient().GetAsync($"/api/v1/photos/{other}/thumb");
        Assert.Equal(HttpStatusCode.NotFound, thumb.StatusCode);
    }

    [Theory]
    [InlineData("image/gif")]
    [InlineData("text/html")]
    [InlineData("application/octet-stream")]
    [InlineData("image/svg+xml")]
    [InlineData("garbage;;;")]
    [InlineData(null)]
    public async Task Another_content_type_is_415_naming_the_header(string? contentType)
    {
        var (status, body, _) = await host.PutAsync(PhotoSamples.Png(seed: 17), contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("Content-Type", out _), body.ToString());
    }

    [Theory]
    [InlineData("png", "image/jpeg")]
    [InlineData("jpeg", "image/png")]
    [InlineData("webp", "image/png")]
    public async Task A_body_without_the_declared_types_signature_is_415_naming_body(string format, string declared)
    {
        var photo = Sample(format, seed: 18);
        var (status, body, _) = await host.PutAsync(photo, declared);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("body", out _), body.ToString());
        using var read = await host.CreateClient().GetAsync($"/api/v1/photos/{PhotoSamples.Sha256(photo)}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task A_content_length_over_8_MiB_is_413()
    {
        var body = new byte[8 * 1024 * 1024 + 1];
        PhotoSamples.Png(seed: 19).CopyTo(body, 0);
        var (status, problem, _) = await host.PutAsync(body, "image/png");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("8,388,608", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_chunked_body_is_counted_as_it_arrives_and_413_past_8_MiB()
    {
        var body = new byte[8 * 1024 * 1024 + 1];
        PhotoSamples.Png(seed: 20).CopyTo(body, 0);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/photos/{PhotoSamples.Sha256(body)}")
        {
            Content = new StreamContent(new UnknownLengthStream(body)),
        };
        request.Content.Headers.ContentType = new("image/png");
        request.Headers.TransferEncodingChunked = true;
        using var response = await host.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_photo_of_exactly_8_MiB_is_taken()
    {
        // A PNG padded with a chunk no decoder needs (ancillary, private) to exactly the limit.
        var png = PhotoSamples.Png(seed: 21);
        var body = PhotoSamples.WithChunk(png, "prVt", new byte[8 * 1024 * 1024 - png.Length - 12]);
        Assert.Equal(8 * 1024 * 1024, body.Length);
        var (status, problem, _) = await host.PutAsync(body, "image/png");
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {problem}");
    }

    [Fact]
    public async Task Reading_an_unknown_photo_is_404_and_a_bad_name_400()
    {
        var unknown = new string('a', 64);
        using var client = host.CreateClient();
        using var original = await client.GetAsync($"/api/v1/photos/{unknown}");
        Assert.Equal(HttpStatusCode.NotFound, original.StatusCode);
        Assert.Equal("application/problem+json", original.Content.Headers.ContentType?.MediaType);
        using var thumb = await client.GetAsync($"/api/v1/photos/{unknown}/thumb");
        Assert.Equal(HttpStatusCode.NotFound, thumb.StatusCode);
        using var bad = await client.GetAsync("/api/v1/photos/xyz");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Fifty_retries_of_one_photo_are_answered_200_after_the_first()
    {
        var photo = PhotoSamples.Jpeg(seed: 22);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++) statuses.Add((await host.PutAsync(photo, "image/jpeg")).Status);
        Assert.Equal(HttpStatusCode.Created, statuses[0]);
        Assert.All(statuses.Skip(1), s => Assert.Equal(HttpStatusCode.OK, s));
    }

    /// <summary>A request body of unknown length, so that it is sent chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}

/// <summary>GET and HEAD of a stored photo and its thumbnail: the bytes as uploaded, and a year of caching.</summary>
public class PhotoReadTests(PhotoHost host) : IClassFixture<PhotoHost>
{
    [Fact]
    public async Task The_original_is_served_exactly_as_uploaded_with_its_etag_and_a_years_caching()
    {
        var photo = PhotoSamples.Png(seed: 31);
        var sha256 = PhotoSamples.Sha256(photo);
        Assert.Equal(HttpStatusCode.Created, (await host.PutAsync(photo, "image/png")).Status);
        using var client = host.CreateClient();

        using var get = await client.GetAsync($"/api/v1/photos/{sha256}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(photo, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(photo.Length, get.Content.Headers.ContentLength);
        Assert.Equal($"\"{sha256}\"", get.Headers.ETag?.ToString());
        Assert.Equal("public, max-age=31536000, immutable", get.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", get.Headers.GetValues("X-Content-Type-Options").Single());

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/photos/{sha256.ToUpperInvariant()}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(photo.Length, head.Content.Headers.ContentLength);
        Assert.Equal("image/png", head.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"\"{sha256}\"", head.Headers.ETag?.ToString());

        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/photos/{sha256}");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", $"\"{sha256}\"");
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{sha256}\"", notModified.Headers.ETag?.ToString());

        var otherTag = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/photos/{sha256}");
        otherTag.Headers.TryAddWithoutValidation("If-None-Match", $"\"{sha256}-thumb\"");
        using var modified = await client.SendAsync(otherTag);
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
    }

    [Fact]
    public async Task The_thumbnail_is_a_jpeg_at_most_480_px_with_its_own_etag()
    {
        var photo = PhotoSamples.Png(width: 1200, height: 900, seed: 32);
        var sha256 = PhotoSamples.Sha256(photo);
        Assert.Equal(HttpStatusCode.Created, (await host.PutAsync(photo, "image/png")).Status);
        using var client = host.CreateClient();

        using var thumb = await client.GetAsync($"/api/v1/photos/{sha256}/thumb");
        Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
        Assert.Equal("image/jpeg", thumb.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"\"{sha256}-thumb\"", thumb.Headers.ETag?.ToString());
        Assert.Equal("public, max-age=31536000, immutable", thumb.Headers.CacheControl?.ToString());
        var bytes = await thumb.Content.ReadAsByteArrayAsync();
        using var codec = SKCodec.Create(new MemoryStream(bytes));
        Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
        Assert.Equal((480, 360), (codec.Info.Width, codec.Info.Height));

        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/photos/{sha256}/thumb");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", $"W/\"x\", \"{sha256}-thumb\"");
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/photos/{sha256}/thumb"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_small_photo_keeps_its_size_in_the_thumbnail()
    {
        var photo = PhotoSamples.Jpeg(width: 200, height: 100, seed: 33);
        Assert.Equal(HttpStatusCode.Created, (await host.PutAsync(photo, "image/jpeg")).Status);
        var bytes = await host.CreateClient().GetByteArrayAsync($"/api/v1/photos/{PhotoSamples.Sha256(photo)}/thumb");
        using var codec = SKCodec.Create(new MemoryStream(bytes));
        Assert.Equal((200, 100), (codec.Info.Width, codec.Info.Height));
    }
}
