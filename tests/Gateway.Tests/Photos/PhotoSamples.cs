using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SkiaSharp;

namespace KpuOrleans.Gateway.Tests.Photos;

/// <summary>Real images made with SkiaSharp for the tests, and hostile ones made from them by hand.</summary>
public static class PhotoSamples
{
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A picture whose left half is red and right half blue, with noise so that it does not compress to nothing.</summary>
    public static byte[] Encode(SKEncodedImageFormat format, int width = 640, int height = 320, int seed = 1, int quality = 90)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var random = new Random(seed);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var noise = (byte)random.Next(0, 40);
                bitmap.SetPixel(x, y, x < width / 2 ? new SKColor((byte)(215 + noise), noise, noise) : new SKColor(noise, noise, (byte)(215 + noise)));
            }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] Png(int width = 640, int height = 320, int seed = 1) => Encode(SKEncodedImageFormat.Png, width, height, seed);

    public static byte[] Jpeg(int width = 640, int height = 320, int seed = 1) => Encode(SKEncodedImageFormat.Jpeg, width, height, seed);

    public static byte[] WebP(int width = 640, int height = 320, int seed = 1) => Encode(SKEncodedImageFormat.Webp, width, height, seed);

    /// <summary>Where the hand-made EXIF segment below says the photo was taken; it must never be served.</summary>
    public const string Position = "GPS 7.2575 S 112.7521 E Surabaya";

    /// <summary>
    /// A JPEG with an APP1 Exif segment right after its start: orientation <paramref name="orientation"/>, an image
    /// description holding <see cref="Position"/>, and a GPS directory (latitude S, longitude E), as a phone writes them.
    /// </summary>
    public static byte[] JpegWithExif(byte[] jpeg, ushort orientation)
    {
        var description = Encoding.ASCII.GetBytes(Position + "\0");
        var tiff = new List<byte>();
        void U16(int v) { tiff.Add((byte)(v >> 8)); tiff.Add((byte)v); }
        void U32(int v) { U16(v >> 16); U16(v & 0xFFFF); }
        void Entry(int tag, int type, int count, int value) { U16(tag); U16(type); U32(count); U32(value); }
        const int ifd0 = 8, gps = ifd0 + 2 + 3 * 12 + 4, text = gps + 2 + 2 * 12 + 4;
        tiff.AddRange("MM"u8.ToArray()); U16(42); U32(ifd0);
        U16(3);
        Entry(0x010E, 2, description.Length, text); // ImageDescription
        Entry(0x0112, 3, 1, orientation << 16);     // Orientation: a SHORT, left-aligned in the value field
        Entry(0x8825, 4, 1, gps);                   // GPS directory
        U32(0);
        U16(2);
        Entry(0x0001, 2, 2, 'S' << 24);             // GPSLatitudeRef
        Entry(0x0003, 2, 2, 'E' << 24);             // GPSLongitudeRef
        U32(0);
        tiff.AddRange(description);
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>A real JPEG whose frame header (SOF) claims <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] JpegClaiming(int width, int height)
    {
        var jpeg = Jpeg(64, 64);
        for (var at = 2; at + 4 < jpeg.Length;)
        {
            if (jpeg[at] != 0xFF) throw new InvalidOperationException($"not a JPEG marker at {at}");
            var marker = jpeg[at + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
            if (marker is >= 0xC0 and <= 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(at + 5), (ushort)height);
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(at + 7), (ushort)width);
                return jpeg;
            }
            at += 2 + length;
        }
        throw new InvalidOperationException("no frame header in the JPEG");
    }

    /// <summary>A PNG of a few dozen bytes whose header (with a valid CRC) claims <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        // A deflate stream of a few bytes whose rows would inflate to gigabytes, if anything allocated them.
        byte[] idat = [0x78, 0x9C, 0xED, 0xC1, 0x01, 0x0D, 0x00, 0x00, 0x00, 0xC2, 0xA0, 0xF7, 0x4F, 0x6D, 0x0E, 0x37, 0xA0, 0x00, 0x00];
        return [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", header), .. Chunk("IDAT", idat), .. Chunk("IEND", [])];
    }

    /// <summary>The PNG with one more chunk just before its end (IEND, the last 12 bytes).</summary>
    public static byte[] WithChunk(byte[] png, string type, byte[] data) => [.. png.AsSpan(0, png.Length - 12), .. Chunk(type, data), .. png.AsSpan(png.Length - 12)];

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>Whether a JPEG carries an APP1 segment (Exif, XMP) anywhere among its markers.</summary>
    public static bool HasApp1(byte[] jpeg)
    {
        for (var at = 2; at + 4 < jpeg.Length;)
        {
            var marker = jpeg[at + 1];
            if (marker == 0xE1) return true;
            if (marker == 0xDA) return false; // start of scan: no more metadata segments
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
        }
        return false;
    }
}
