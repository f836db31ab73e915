namespace KpuOrleans.Gateway.Photos;

/// <summary>A photo's name: the lowercase hex SHA-256 of its bytes, and the store keys derived from it.</summary>
public static class PhotoName
{
    public const int Length = 64;

    /// <returns>The name in lowercase, or null when it is not 64 hexadecimal characters.</returns>
    public static string? Normalize(string? name)
    {
        if (name is not { Length: Length } || !name.All(char.IsAsciiHexDigit)) return null;
        return name.ToLowerInvariant();
    }

    /// <summary>The original, exactly as uploaded. Written last: its presence means the photo is complete.</summary>
    public static string OriginalKey(string sha256) => $"photos/{sha256}";

    public static string ThumbnailKey(string sha256) => $"thumbs/{sha256}.jpg";
}
