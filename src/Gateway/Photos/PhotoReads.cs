using KpuOrleans.Gateway.Api;
using Microsoft.Net.Http.Headers;

namespace KpuOrleans.Gateway.Photos;

/// <summary>
/// <c>GET</c>/<c>HEAD /api/v1/photos/{sha256}</c> and <c>…/thumb</c> (API.md, "Reading photos"). A photo never
/// changes under its name, so caches may keep it for a year without asking again.
/// </summary>
public sealed class PhotoReads(IPhotoStore store, ILogger<PhotoReads> logger)
{
    public const string Caching = "public, max-age=31536000, immutable";

    public Task<IResult> OriginalAsync(HttpContext http, string sha256, CancellationToken cancellationToken) =>
        ServeAsync(http, sha256, PhotoName.OriginalKey, "", cancellationToken);

    public Task<IResult> ThumbnailAsync(HttpContext http, string sha256, CancellationToken cancellationToken) =>
        ServeAsync(http, sha256, PhotoName.ThumbnailKey, "-thumb", cancellationToken);

    private async Task<IResult> ServeAsync(HttpContext http, string sha256, Func<string, string> key, string tagSuffix, CancellationToken cancellationToken)
    {
        if (PhotoName.Normalize(sha256) is not { } name)
        {
            const string rule = "The name must be the photo's SHA-256: 64 hexadecimal characters.";
            return Problems.Result(Problems.Create(400, "Bad photo name", rule, new Dictionary<string, string[]> { ["sha256"] = [rule] }));
        }
        try
        {
            if (await store.FindAsync(key(name), cancellationToken) is not { } found) return NotStored(name);
            var etag = $"\"{name}{tagSuffix}\"";
            http.Response.Headers.ETag = etag;
            http.Response.Headers.CacheControl = Caching;
            var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
            if (ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag == etag)) return TypedResults.StatusCode(304);
            // A HEAD is handled as its GET with the body thrown away (HeadRequests): the bytes need not be fetched at all.
            if (ReferenceEquals(http.Response.Body, Stream.Null))
            {
                http.Response.ContentType = found.ContentType;
                http.Response.ContentLength = found.Length;
                return TypedResults.Ok();
            }
            var content = await store.ReadAsync(key(name), cancellationToken);
            if (content is null) return NotStored(name);
            http.Response.ContentLength = content.Length;
            return TypedResults.Stream(content.Content, content.ContentType);
        }
        catch (PhotoStoreUnavailableException e)
        {
            logger.LogWarning(e, "Photo {Sha256} not served: the photo store is unavailable", name);
            http.Response.Headers.Remove(HeaderNames.ETag);
            http.Response.Headers.Remove(HeaderNames.CacheControl);
            http.Response.Headers.RetryAfter = ResultEndpoints.RetryAfterSeconds;
            return Problems.Result(Problems.Create(503, "Photo store unavailable", "The photo store cannot be reached now; try again after Retry-After."));
        }
    }

    private static IResult NotStored(string name) => Problems.NotFound($"No photo {name} is stored.");
}
