using KpuOrleans.Gateway.Auth;
using KpuOrleans.Gateway.Protection;

namespace KpuOrleans.Gateway.Photos;

public static class PhotoEndpoints
{
    /// <summary>
    /// Maps the photo endpoints on <paramref name="api"/> (the <c>/api/v1</c> group, which limits readers): uploads are
    /// writes, authenticated and limited per writer as forms are; reads are anonymous like every read.
    /// </summary>
    public static IEndpointRouteBuilder MapPhotos(this IEndpointRouteBuilder api)
    {
        // No Accepts(): routing would answer another Content-Type itself, with a 415 that names nothing.
        api.MapPut("/photos/{sha256}", (HttpContext http, string sha256, PhotoUploads uploads, WriterAccess access, CancellationToken cancellationToken) =>
                uploads.PutAsync(http, sha256, access, cancellationToken))
            .Produces<PhotoDto>(201).Produces<PhotoDto>(200)
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(429).ProducesProblem(503)
            .RequireWriter(api).AsWrite();
        api.MapGet("/photos/{sha256}", (HttpContext http, string sha256, PhotoReads reads, CancellationToken cancellationToken) =>
                reads.OriginalAsync(http, sha256, cancellationToken))
            .Produces<Stream>(200, PhotoFormats.Jpeg, PhotoFormats.Png, PhotoFormats.WebP).Produces(304)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
        api.MapGet("/photos/{sha256}/thumb", (HttpContext http, string sha256, PhotoReads reads, CancellationToken cancellationToken) =>
                reads.ThumbnailAsync(http, sha256, cancellationToken))
            .Produces<Stream>(200, PhotoFormats.Jpeg).Produces(304)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
        return api;
    }
}
