using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace KpuOrleans.Gateway.Api;

/// <summary>
/// A body serialized once, with a strong ETag from its bytes: equal content gets an equal tag on every gateway, so a
/// page polling it, or a cache in front, gets a 304 instead of the body.
/// </summary>
public sealed record TaggedJson(byte[] Json, string ETag)
{
    public static TaggedJson Of<T>(T value)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web);
        return new(json, $"\"{Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, 16))}\"");
    }

    /// <summary>200 with the body, or 304 when the request already holds it; cacheable as a tally is.</summary>
    public IResult Answer(HttpContext http)
    {
        http.Response.Headers.CacheControl = CachePolicy.Tallies;
        http.Response.Headers.ETag = ETag;
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == ETag))
            return TypedResults.StatusCode(304);
        return TypedResults.Bytes(Json, "application/json; charset=utf-8");
    }
}
