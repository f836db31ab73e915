using System.Security.Cryptography;
using System.Text.Json;

namespace KpuOrleans.Gateway.Api.Progress;

/// <summary>
/// A gathered view as it is sent: serialized once per gathering, not once per request (the national one is ~140 KB),
/// with an ETag from its bytes, so that equal views get equal tags on every gateway and a polling page gets a 304.
/// </summary>
public sealed record ProgressView(ProgressDto View, byte[] Json, string ETag)
{
    public static ProgressView Of(ProgressDto view)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(view, JsonSerializerOptions.Web);
        return new(view, json, $"\"{Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, 16))}\"");
    }
}
