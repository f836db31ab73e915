using SkiaSharp;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace KpuOrleans.Browser.Tests.Infrastructure;

/// <summary>
/// Reads a QR code from a screenshot with ZXing, a reader that shares nothing with the page's encoder, so a code that
/// only our own encoder could read back fails here.
/// </summary>
public static class QrReader
{
    /// <summary>The text of the QR code in a PNG image; null when none can be read.</summary>
    public static string? Read(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new ArgumentException("not a decodable image", nameof(png));
        var gray = new byte[bitmap.Width * bitmap.Height];
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                gray[y * bitmap.Width + x] = (byte)((c.Red * 299 + c.Green * 587 + c.Blue * 114) / 1000);
            }
        }
        var source = new RGBLuminanceSource(gray, bitmap.Width, bitmap.Height, RGBLuminanceSource.BitmapFormat.Gray8);
        var hints = new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true };
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints)?.Text;
    }
}
