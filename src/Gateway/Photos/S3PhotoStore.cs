using System.Net;
using System.Runtime.InteropServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace KpuOrleans.Gateway.Photos;

/// <summary>
/// Photos in an S3-compatible object store, one object per key, its content type as the object's metadata. Every
/// failure to reach the store (refused, timed out, a 5xx, credentials refused) is a
/// <see cref="PhotoStoreUnavailableException"/>, so the caller answers 503 and stores nothing; an absent object is null.
/// </summary>
public sealed partial class S3PhotoStore(IAmazonS3 client, S3PhotoStoreOptions options, ILogger<S3PhotoStore> logger)
    : IPhotoStore
{
    private readonly string bucket = options.Bucket!;

    public async Task<StoredPhoto?> FindAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var deadline = Deadline(cancellationToken);
            var metadata = await client.GetObjectMetadataAsync(bucket, key, deadline.Token);
            return new StoredPhoto(metadata.Headers.ContentType ?? "application/octet-stream", metadata.Headers.ContentLength);
        }
        catch (Exception e) when (IsAbsent(e))
        {
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsFailure(e))
        {
            throw Unavailable("find", key, e);
        }
    }

    public async Task PutAsync(string key, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        try
        {
            await PutOnceAsync(key, contentType, content, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket" && !cancellationToken.IsCancellationRequested)
        {
            // Deleted behind our back, or the store was empty when the gateway started: make it and try once more.
            LogBucketMissing(bucket);
            try
            {
                await S3Bucket.EnsureAsync(client, bucket, cancellationToken);
                await PutOnceAsync(key, contentType, content, cancellationToken);
            }
            catch (Exception again) when (!cancellationToken.IsCancellationRequested && IsFailure(again))
            {
                throw Unavailable("store", key, again);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsFailure(e))
        {
            throw Unavailable("store", key, e);
        }
    }

    public async Task<PhotoContent?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        GetObjectResponse response;
        try
        {
            // The deadline covers the request up to the answer's headers; the body is then streamed to the reader at
            // its own pace (disposing the deadline stops its timer without cancelling the stream).
            using var deadline = Deadline(cancellationToken);
            response = await client.GetObjectAsync(bucket, key, deadline.Token);
        }
        catch (Exception e) when (IsAbsent(e))
        {
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsFailure(e))
        {
            throw Unavailable("read", key, e);
        }
        return new PhotoContent(response.Headers.ContentType ?? "application/octet-stream", response.Headers.ContentLength,
            response.ResponseStream);
    }

    private async Task PutOnceAsync(string key, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        await using var body = AsStream(content);
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = body,
            AutoCloseStream = false,
            ContentType = contentType,
            // Plain signed bodies: aws-chunked framing is not understood by every S3-compatible store.
            UseChunkEncoding = false,
        };
        await client.PutObjectAsync(request, deadline.Token);
    }

    /// <summary>A stream over the caller's bytes, without copying them when they sit in an array.</summary>
    private static MemoryStream AsStream(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);

    /// <summary>
    /// A bound on one call, retries included, whatever the client's own timeouts do (they do not bound every
    /// asynchronous path on every platform).
    /// </summary>
    private static CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(S3PhotoStoreOptions.RequestTimeout * (S3PhotoStoreOptions.MaxRetries + 1) + TimeSpan.FromSeconds(1));
        return deadline;
    }

    private static bool IsAbsent(Exception e) =>
        e is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound } s3 && s3.ErrorCode is null or "" or "NoSuchKey" or "NotFound";

    /// <summary>
    /// Anything the store or the way to it did: an S3 error answer (5xx, refused credentials, a missing bucket), the
    /// client giving up (connection refused, reset, timed out), or the deadline. Bugs of ours are left to surface.
    /// </summary>
    private static bool IsFailure(Exception e) =>
        e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
            or OperationCanceledException or TimeoutException;

    private PhotoStoreUnavailableException Unavailable(string what, string key, Exception e)
    {
        LogUnavailable(e, what, key, bucket, e.Message);
        return new PhotoStoreUnavailableException($"The photo store could not {what} the photo.", e);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The photo store could not {What} {Key} in bucket {Bucket}: {Reason}")]
    private partial void LogUnavailable(Exception e, string what, string key, string bucket, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bucket {Bucket} is missing from the photo store; creating it")]
    private partial void LogBucketMissing(string bucket);
}
