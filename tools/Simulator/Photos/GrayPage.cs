using SkiaSharp;

namespace KpuOrleans.Simulator.Photos;

/// <summary>
/// A grey page as bytes, one per pixel, painted with filled rectangles only and encoded as PNG by Skia. Painting the
/// bytes directly (rather than through a canvas and its anti-aliasing) keeps every pixel, and so the file's hash, the
/// same on every machine.
/// </summary>
internal sealed class GrayPage
{
    public const byte Paper = 246;
    public const byte Ink = 24;
    public const byte Rule = 150;

    private readonly byte[] _pixels;

    public GrayPage(int width, int height)
    {
        Width = width;
        Height = height;
        _pixels = new byte[width * height];
        Array.Fill(_pixels, Paper);
    }

    public int Width { get; }
    public int Height { get; }

    public void Fill(PixelRect rect, byte shade = Ink)
    {
        var x0 = Math.Clamp(rect.X, 0, Width);
        var x1 = Math.Clamp(rect.X + rect.Width, 0, Width);
        var y0 = Math.Clamp(rect.Y, 0, Height);
        var y1 = Math.Clamp(rect.Y + rect.Height, 0, Height);
        for (var y = y0; y < y1; y++) _pixels.AsSpan(y * Width + x0, x1 - x0).Fill(shade);
    }

    /// <summary>One seven-segment digit; a negative digit leaves the cell blank.</summary>
    public void Digit(DigitCell cell, int digit)
    {
        if (digit < 0) return;
        var pattern = SevenSegments.PatternOf(digit);
        for (var bar = 0; bar < SevenSegments.Count; bar++)
        {
            if ((pattern >> bar & 1) == 1) Fill(SevenSegments.Bar(cell, bar));
        }
    }

    /// <summary>Text in <see cref="DotGlyphs"/>, each dot a <paramref name="dot"/>-pixel square; returns the x after it.</summary>
    public int Text(string text, int x, int y, int dot)
    {
        foreach (var c in text)
        {
            for (var row = 0; row < DotGlyphs.Rows; row++)
            for (var column = 0; column < DotGlyphs.Columns; column++)
            {
                if (DotGlyphs.Inked(c, column, row)) Fill(new PixelRect(x + column * dot, y + row * dot, dot, dot));
            }
            x += (DotGlyphs.Columns + 1) * dot;
        }
        return x;
    }

    public byte[] ToPng()
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Gray8, SKAlphaType.Opaque);
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(_pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), Width);
            // Rows of flat paper compress to almost nothing with the Up filter (each row much like the one above); a low zlib level is several times faster
            // than the default and the page stays near 16 KB.
            using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Up, 3))
                             ?? throw new InvalidOperationException("Skia could not encode the page as PNG");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }
}
