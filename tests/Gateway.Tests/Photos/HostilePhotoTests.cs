using System.Net;
using System.Text;
using SkiaSharp;

namespace KpuOrleans.Gateway.Tests.Photos;

/// <summary>
/// Hostile images: each is refused as API.md says, nothing of it is stored, and the process still takes a form after it.
/// </summary>
public class HostilePhotoTests(PhotoHost host) : IClassFixture<PhotoHost>
{
    private const string Tps = "35.78.01.1001.003";

    private async Task AssertRefusedAsync(byte[] body, string contentType, HttpStatusCode expected, string field, string? detail = null)
    {
        var (status, problem, _) = await host.PutAsync(body, contentType);
        Assert.True(status == expected, $"{(int)status} {problem}");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        if (detail is not null) Assert.Contains(detail, problem.GetProperty("detail").GetString());
        using var read = await host.CreateClient().GetAsync($"/api/v1/photos/{PhotoSamples.Sha256(body)}");
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        await host.AssertServesFormsAsync(Tps);
    }

    [Theory]
    [InlineData("png", "image/png")]
    [InlineData("jpeg", "image/jpeg")]
    [InlineData("webp", "image/webp")]
    public async Task A_truncated_image_is_422_naming_body(string format, string contentType)
    {
        var whole = format switch { "png" => PhotoSamples.Png(seed: 41), "jpeg" => PhotoSamples.Jpeg(seed: 41), _ => PhotoSamples.WebP(seed: 41) };
        await AssertRefusedAsync(whole[..(whole.Length * 2 / 3)], contentType, HttpStatusCode.UnprocessableEntity, "body");
    }

    [Fact]
    public async Task A_png_header_claiming_100000_by_100000_pixels_is_422_before_anything_is_allocated()
    {
        await AssertRefusedAsync(PhotoSamples.PngClaiming(100_000, 100_000), "image/png", HttpStatusCode.UnprocessableEntity, "body", "12,000 pixels a side");
    }

    [Fact]
    public async Task A_jpeg_header_claiming_65000_by_65000_pixels_is_422()
    {
        await AssertRefusedAsync(PhotoSamples.JpegClaiming(65_000, 65_000), "image/jpeg", HttpStatusCode.UnprocessableEntity, "body", "12,000 pixels a side");
    }

    [Fact]
    public async Task An_image_within_12000_px_a_side_but_over_40_megapixels_is_422()
    {
        await AssertRefusedAsync(PhotoSamples.JpegClaiming(11_000, 11_000), "image/jpeg", HttpStatusCode.UnprocessableEntity, "body", "40 megapixels");
    }

    [Fact]
    public async Task A_png_signature_followed_by_html_is_422()
    {
        byte[] polyglot = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Encoding.UTF8.GetBytes("<html><script>alert(document.cookie)</script></html>")];
        await AssertRefusedAsync(polyglot, "image/png", HttpStatusCode.UnprocessableEntity, "body");
    }

    [Fact]
    public async Task A_real_png_carrying_a_script_after_its_end_is_stored_but_served_as_an_image_only()
    {
        // Bytes after IEND are not part of the image; the photo is evidence and is kept whole, and it is served with
        // its own type and nosniff, so no browser runs the script.
        byte[] polyglot = [.. PhotoSamples.Png(seed: 42), .. Encoding.UTF8.GetBytes("<script>alert(1)</script>")];
        var (status, body, _) = await host.PutAsync(polyglot, "image/png");
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");
        using var read = await host.CreateClient().GetAsync($"/api/v1/photos/{PhotoSamples.Sha256(polyglot)}");
        Assert.Equal("image/png", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", read.Headers.GetValues("X-Content-Type-Options").Single());
        await host.AssertServesFormsAsync(Tps);
    }

    [Fact]
    public async Task Html_declared_as_a_jpeg_is_415()
    {
        await AssertRefusedAsync(Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body onload=alert(1)></body></html>"), "image/jpeg",
            HttpStatusCode.UnsupportedMediaType, "body");
    }

    [Fact]
    public async Task Random_bytes_after_a_jpeg_signature_are_422()
    {
        var random = new byte[50_000];
        new Random(43).NextBytes(random);
        random[0] = 0xFF;
        random[1] = 0xD8;
        random[2] = 0xFF;
        await AssertRefusedAsync(random, "image/jpeg", HttpStatusCode.UnprocessableEntity, "body");
    }

    [Fact]
    public async Task An_empty_body_is_415()
    {
        await AssertRefusedAsync([], "image/png", HttpStatusCode.UnsupportedMediaType, "body");
    }

    [Fact]
    public async Task Exif_orientation_6_makes_a_landscape_photo_a_portrait_thumbnail_turned_clockwise()
    {
        // Stored 640×320, red on the left: shown turned a quarter clockwise, it is 320×640 with red on top.
        var photo = PhotoSamples.JpegWithExif(PhotoSamples.Jpeg(seed: 44), orientation: 6);
        var (status, body, _) = await host.PutAsync(photo, "image/jpeg");
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");
        Assert.Equal((320, 640), (body.GetProperty("width").GetInt32(), body.GetProperty("height").GetInt32()));

        var thumb = await host.CreateClient().GetByteArrayAsync($"/api/v1/photos/{PhotoSamples.Sha256(photo)}/thumb");
        using var bitmap = SKBitmap.Decode(thumb);
        Assert.Equal((240, 480), (bitmap.Width, bitmap.Height));
        var top = bitmap.GetPixel(120, 60);
        var bottom = bitmap.GetPixel(120, 420);
        Assert.True(top.Red > 180 && top.Blue < 80, $"top is {top}");
        Assert.True(bottom.Blue > 180 && bottom.Red < 80, $"bottom is {bottom}");
        // The original is the evidence and keeps its bytes: the EXIF stays there, and only there.
        Assert.Equal(photo, await host.CreateClient().GetByteArrayAsync($"/api/v1/photos/{PhotoSamples.Sha256(photo)}"));
    }

    [Fact]
    public async Task The_thumbnail_carries_no_exif_and_no_position()
    {
        var photo = PhotoSamples.JpegWithExif(PhotoSamples.Jpeg(seed: 45), orientation: 1);
        Assert.True(PhotoSamples.HasApp1(photo), "the upload carries an Exif segment");
        Assert.Equal(HttpStatusCode.Created, (await host.PutAsync(photo, "image/jpeg")).Status);

        var thumb = await host.CreateClient().GetByteArrayAsync($"/api/v1/photos/{PhotoSamples.Sha256(photo)}/thumb");
        Assert.False(PhotoSamples.HasApp1(thumb), "the thumbnail has an APP1 segment");
        Assert.Equal(-1, thumb.AsSpan().IndexOf("Exif"u8));
        Assert.Equal(-1, thumb.AsSpan().IndexOf(Encoding.ASCII.GetBytes(PhotoSamples.Position)));
        Assert.Equal(-1, thumb.AsSpan().IndexOf("Surabaya"u8));
    }
}
