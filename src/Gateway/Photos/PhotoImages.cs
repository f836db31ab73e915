using SkiaSharp;

namespace KpuOrleans.Gateway.Photos;

/// <summary>What decoding an upload came to: its size as shown and its thumbnail, or why it is refused.</summary>
public sealed record PhotoDecoding(int Width, int Height, byte[]? Thumbnail, string? Outcome, string? Refusal)
{
    public static PhotoDecoding Refused(string outcome, string refusal) => new(0, 0, null, outcome, refusal);
}

/// <summary>
/// Decodes uploads and makes their thumbnails with SkiaSharp: MIT-licensed, maintained by Microsoft and the .NET
/// Foundation, wrapping Skia's own native codecs (libjpeg-turbo, libpng, libwebp), which browsers run against hostile
/// images every day. Its NoDependencies native build needs no fontconfig, so the gateway's image stays as it was.
/// <para>The header is read first and an image too large is refused before a pixel is allocated (a decompression bomb
/// is a few KB claiming gigapixels); then the image is decoded whole, so that a truncated or corrupt one is refused
/// too. The thumbnail is drawn fresh and encoded as a new JPEG: nothing of the upload's metadata (GPS position,
/// camera) can survive into it.</para>
/// </summary>
public static class PhotoImages
{
    public const int MaxSide = 12_000;
    public const long MaxPixels = 40_000_000;
    public const int ThumbnailSide = 480;
    private const int ThumbnailQuality = 80;

    private static readonly SKSamplingOptions Smooth = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    public static PhotoDecoding Decode(ReadOnlySpan<byte> bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null) return PhotoDecoding.Refused("undecodable", "The body is not a JPEG, PNG or WebP image that can be decoded.");
        var info = codec.Info;
        if (TooLarge(info.Width, info.Height) is { } bomb) return PhotoDecoding.Refused("too-many-pixels", bomb);

        // JPEG and WebP decode straight to a fraction of their size (every byte is still read and checked), so a phone
        // photo costs a thumbnail's pixels rather than 48 MB of them; PNG decodes at full size.
        var fit = Math.Min(1f, (float)ThumbnailSide / Math.Max(info.Width, info.Height));
        var scaled = codec.GetScaledDimensions(fit);
        var target = new SKImageInfo(scaled.Width, scaled.Height, SKImageInfo.PlatformColorType, SKAlphaType.Premul);
        using var pixels = new SKBitmap(target);
        var result = codec.GetPixels(target, pixels.GetPixels());
        if (result != SKCodecResult.Success)
            return PhotoDecoding.Refused("undecodable", $"The image cannot be decoded whole ({result}): it is truncated or corrupt.");

        var (width, height) = Shown(codec.EncodedOrigin, info.Width, info.Height);
        return new PhotoDecoding(width, height, Thumbnail(pixels, codec.EncodedOrigin, fit * info.Width, fit * info.Height), null, null);
    }

    /// <summary>The size, as shown, of an image already stored: only its header is read.</summary>
    /// <returns>Null when the stored bytes are not an image (they always are: they were decoded before being stored).</returns>
    public static (int Width, int Height)? ShownSize(Stream stored)
    {
        using var codec = SKCodec.Create(stored, out _);
        return codec is null ? null : Shown(codec.EncodedOrigin, codec.Info.Width, codec.Info.Height);
    }

    private static string? TooLarge(int width, int height)
    {
        if (width <= 0 || height <= 0) return "The image has no pixels.";
        if (width > MaxSide || height > MaxSide)
            return $"The image is {width:N0}×{height:N0} pixels; a photo is at most {MaxSide:N0} pixels a side.";
        if ((long)width * height > MaxPixels)
            return $"The image is {width:N0}×{height:N0} pixels; a photo is at most {MaxPixels / 1_000_000} megapixels.";
        return null;
    }

    /// <summary>Origins whose rows are the image's columns: shown turned a quarter, so width and height swap.</summary>
    private static bool Turned(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    private static (int Width, int Height) Shown(SKEncodedOrigin origin, int width, int height) =>
        Turned(origin) ? (height, width) : (width, height);

    /// <param name="width">The thumbnail's width before it is turned (fractional: rounded once, here).</param>
    private static byte[] Thumbnail(SKBitmap pixels, SKEncodedOrigin origin, float width, float height)
    {
        var w = Math.Max(1, (int)MathF.Round(width));
        var h = Math.Max(1, (int)MathF.Round(height));
        var (shownWidth, shownHeight) = Shown(origin, w, h);
        using var surface = SKSurface.Create(new SKImageInfo(shownWidth, shownHeight, SKImageInfo.PlatformColorType, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White); // JPEG has no transparency: a PNG's clear parts show as paper
        canvas.SetMatrix(Orientation(origin, w, h));
        using (var image = SKImage.FromBitmap(pixels)) canvas.DrawImage(image, new SKRect(0, 0, w, h), Smooth);
        using var drawn = surface.Snapshot();
        using var jpeg = drawn.Encode(SKEncodedImageFormat.Jpeg, ThumbnailQuality);
        return jpeg.ToArray();
    }

    /// <summary>
    /// Maps the stored image (w×h) onto the picture as it is meant to be seen (EXIF orientation, TIFF 6.0's eight
    /// cases): x' = ScaleX·x + SkewX·y + TransX, y' = SkewY·x + ScaleY·y + TransY.
    /// </summary>
    private static SKMatrix Orientation(SKEncodedOrigin origin, float w, float h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),     // mirrored
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1), // upside down
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),   // mirrored upside down
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),       // transposed
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),     // turned a quarter clockwise to be seen
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1), // transverse
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),   // turned a quarter anticlockwise
        _ => SKMatrix.Identity,
    };
}
