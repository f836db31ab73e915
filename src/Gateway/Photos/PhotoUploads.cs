using System.Security.Cryptography;
using KpuOrleans.Evidence;
using KpuOrleans.Gateway.Api;
using KpuOrleans.Gateway.Auth;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Gateway.Photos;

/// <summary>What an upload is answered with, 201 and 200 alike.</summary>
public sealed record PhotoDto(string Sha256, string ContentType, long Bytes, int Width, int Height);

/// <summary>
/// <c>PUT /api/v1/photos/{sha256}</c> (API.md, "Uploading a photo"). Everything the headers can decide is decided
/// before the body is read, a photo already stored included, so that a retry over a bad network costs no upload. A new
/// photo is stored thumbnail first and original last (the original's presence means "complete"), then the cluster is
/// told; telling it again on every later upload heals a gateway that died between the two.
/// </summary>
public sealed class PhotoUploads(IPhotoStore store, IGrainFactory grains, DecodeGate decodes, PhotoOptions options,
    TimeProvider clock, ILogger<PhotoUploads> logger)
{
    public async Task<IResult> PutAsync(HttpContext http, string sha256, WriterAccess access, CancellationToken cancellationToken)
    {
        if (PhotoName.Normalize(sha256) is not { } name)
            return Refuse("name", 400, "Bad photo name", "The name must be the photo's SHA-256: 64 hexadecimal characters.", "sha256");
        var (_, unnamed) = access.OfficerOf(http.User);
        if (unnamed is not null) return Problems.Result(Problems.Create(403, "Token without a scope", unnamed));
        if (PhotoFormats.Declared(http.Request.ContentType) is not { } declared)
            return Refuse("type", 415, "Unsupported photo type",
                $"Content-Type must be {PhotoFormats.Jpeg}, {PhotoFormats.Png} or {PhotoFormats.WebP}.", "Content-Type");
        if (http.Request.ContentLength > options.MaxBytes) return TooLarge();
        try
        {
            if (await ExistingAsync(name, cancellationToken) is { } existing)
            {
                await TellClusterAsync(existing);
                PhotoMetrics.Count("existing");
                return TypedResults.Ok(Dto(existing));
            }
            using var body = await PhotoBody.ReadAsync(http.Request, (int)options.MaxBytes, cancellationToken);
            if (body is null) return TooLarge();
            return await StoreAsync(http, name, declared, body, cancellationToken);
        }
        catch (PhotoStoreUnavailableException e)
        {
            logger.LogWarning(e, "Photo {Sha256} not stored: the photo store is unavailable", name);
            PhotoMetrics.Count("unavailable");
            http.Response.Headers.RetryAfter = ResultEndpoints.RetryAfterSeconds;
            return Problems.Result(Problems.Create(503, "Photo store unavailable", e.Message));
        }
    }

    private async Task<IResult> StoreAsync(HttpContext http, string name, string declared, PhotoBody body, CancellationToken cancellationToken)
    {
        if (PhotoFormats.Sniff(body.Bytes.Span) != declared)
            return Refuse("type", 415, "Not a photo of that type", $"The body does not start with the signature of {declared}.", "body");
        var hash = Convert.ToHexStringLower(SHA256.HashData(body.Bytes.Span));
        if (hash != name)
            return Refuse("hash", 422, "The body does not hash to the name", $"The body's SHA-256 is {hash}, not the name {name}.", "sha256");

        PhotoDecoding decoding;
        using (var slot = await decodes.EnterAsync(cancellationToken))
        {
            if (slot is null)
            {
                PhotoMetrics.Count("busy");
                http.Response.Headers.RetryAfter = ResultEndpoints.RetryAfterSeconds;
                return Problems.Result(Problems.Create(503, "Too many photos at once",
                    "This gateway is decoding as many photos as it may; nothing was stored. Send it again after Retry-After."));
            }
            decoding = PhotoImages.Decode(body.Bytes.Span);
        }
        if (decoding.Refusal is { } refusal) return Refuse(decoding.Outcome!, 422, "Not a whole, decodable photo", refusal, "body");

        await store.PutAsync(PhotoName.ThumbnailKey(name), PhotoFormats.Jpeg, decoding.Thumbnail, cancellationToken);
        await store.PutAsync(PhotoName.OriginalKey(name), declared, body.Bytes, cancellationToken);
        PhotoMetrics.BytesStored.Add(decoding.Thumbnail!.Length + body.Length);
        var photo = new PhotoRecord(name, declared, body.Length, decoding.Width, decoding.Height, clock.GetUtcNow());
        await TellClusterAsync(photo);
        PhotoMetrics.Count("new");
        return TypedResults.Json(Dto(photo), statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The photo as stored, its size read from the original's header; null when it is not stored.</summary>
    private async Task<PhotoRecord?> ExistingAsync(string name, CancellationToken cancellationToken)
    {
        await using var stored = await store.ReadAsync(PhotoName.OriginalKey(name), cancellationToken);
        if (stored is null || PhotoImages.ShownSize(stored.Content) is not var (width, height)) return null;
        return new PhotoRecord(name, stored.ContentType, stored.Length, width, height, clock.GetUtcNow());
    }

    private Task TellClusterAsync(PhotoRecord photo) => grains.GetGrain<IPhotoGrain>(photo.Sha256).Stored(photo);

    private static PhotoDto Dto(PhotoRecord photo) => new(photo.Sha256, photo.ContentType, photo.Bytes, photo.Width, photo.Height);

    private IResult TooLarge() => Refuse("too-large", 413, "Photo too large",
        $"A photo is at most {options.MaxBytes:N0} bytes (Photos:MaxBytes); nothing was stored.", null);

    private static IResult Refuse(string outcome, int status, string title, string rule, string? field)
    {
        PhotoMetrics.Count(outcome);
        var errors = field is null ? null : new Dictionary<string, string[]> { [field] = [rule] };
        return Problems.Result(Problems.Create(status, title, rule, errors));
    }
}
