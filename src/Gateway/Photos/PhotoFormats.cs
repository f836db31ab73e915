using System.Net.Http.Headers;

namespace KpuOrleans.Gateway.Photos;

/// <summary>The three image types a photo may be, each known by the signature its bytes start with.</summary>
public static class PhotoFormats
{
    public const string Jpeg = "image/jpeg", Png = "image/png", WebP = "image/webp";

    /// <returns>The declared type in its canonical spelling (parameters dropped), or null for any other.</returns>
    public static string? Declared(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } type) return null;
        foreach (var known in new[] { Jpeg, Png, WebP })
            if (string.Equals(type, known, StringComparison.OrdinalIgnoreCase)) return known;
        return null;
    }

    /// <returns>The type whose signature the bytes start with, or null when they start with none of them.</returns>
    public static string? Sniff(ReadOnlySpan<byte> start)
    {
        if (start.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return Jpeg;
        if (start.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Png;
        if (start.Length >= 12 && start.StartsWith("RIFF"u8) && start[8..12].SequenceEqual("WEBP"u8)) return WebP;
        return null;
    }
}
