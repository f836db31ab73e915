namespace KpuOrleans.Simulator.Photos;

/// <summary>
/// Digits as a calculator shows them: seven bars (a top, b upper right, c lower right, d bottom, e lower left,
/// f upper left, g middle), each a filled rectangle. Big, blunt and font-free, so a person comparing the photo with
/// the numbers reads them at a glance, and a test can read them back by looking at one pixel per bar.
/// </summary>
internal static class SevenSegments
{
    public const int Count = 7;

    /// <summary>The bars of 0–9, bit i for bar a+i.</summary>
    private static readonly byte[] Patterns = [0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F];

    public static byte PatternOf(int digit) => Patterns[digit];

    /// <summary>The digit the inked bars show; -1 when none is inked (a blank cell), -2 when they make no digit.</summary>
    public static int DigitOf(byte pattern) => pattern == 0 ? -1 : Array.IndexOf(Patterns, pattern) is var d and >= 0 ? d : -2;

    /// <summary>Bar <paramref name="bar"/> (0 = a … 6 = g) of a digit cell.</summary>
    public static PixelRect Bar(DigitCell cell, int bar)
    {
        var (x, y, w, h, t) = (cell.X, cell.Y, cell.Width, cell.Height, cell.Thickness);
        var half = h / 2;
        var upright = half - t - t / 2;
        return bar switch
        {
            0 => new PixelRect(x + t, y, w - 2 * t, t),
            1 => new PixelRect(x + w - t, y + t, t, upright),
            2 => new PixelRect(x + w - t, y + half + t / 2 + 1, t, upright),
            3 => new PixelRect(x + t, y + h - t, w - 2 * t, t),
            4 => new PixelRect(x, y + half + t / 2 + 1, t, upright),
            5 => new PixelRect(x, y + t, t, upright),
            _ => new PixelRect(x + t, y + half - t / 2, w - 2 * t, t),
        };
    }
}

/// <summary>An axis-aligned rectangle of pixels.</summary>
internal readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    public (int X, int Y) Centre => (X + Width / 2, Y + Height / 2);
}

/// <summary>Where one seven-segment digit is drawn: its box and the thickness of its bars.</summary>
internal readonly record struct DigitCell(int X, int Y, int Width, int Height, int Thickness)
{
    /// <summary>A cell of <paramref name="height"/> pixels, in the proportions of a calculator digit.</summary>
    public static DigitCell At(int x, int y, int height) => new(x, y, height * 6 / 10, height, Math.Max(3, height / 7));
}
