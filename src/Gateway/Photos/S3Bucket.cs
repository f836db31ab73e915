using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace KpuOrleans.Gateway.Photos;

/// <summary>
/// Makes the photos' bucket exist. At start-up it is tried once in the background (best effort, logged either way):
/// a store that is down then must not keep the gateway, and the forms it takes, from starting; an upload that finds
/// the bucket missing makes it itself (<see cref="S3PhotoStore"/>).
/// </summary>
public sealed partial class S3Bucket(IAmazonS3 client, S3PhotoStoreOptions options, ILogger<S3Bucket> logger) : IHostedService
{
    private Task? creating;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.SendsInClear()) LogInClear(options.ServiceUrl!);
        creating = Task.Run(CreateAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => creating ?? Task.CompletedTask;

    private async Task CreateAsync()
    {
        try
        {
            using var deadline = new CancellationTokenSource(S3PhotoStoreOptions.RequestTimeout * 2);
            var created = await EnsureAsync(client, options.Bucket!, deadline.Token);
            LogReady(options.Bucket!, options.ServiceUrl!, created ? "created now" : "already there");
        }
        catch (Exception e)
        {
            LogNotReady(e, options.Bucket!, options.ServiceUrl!, e.Message);
        }
    }

    /// <summary>Creates the bucket unless it exists; true when it was created now.</summary>
    public static async Task<bool> EnsureAsync(IAmazonS3 client, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists"
                                          || e.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Photos are stored in bucket {Bucket} at {ServiceUrl} ({State})")]
    private partial void LogReady(string bucket, string serviceUrl, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not make sure bucket {Bucket} exists at {ServiceUrl}: {Reason}. Photo uploads answer 503 until the store is reached; the first one creates the bucket")]
    private partial void LogNotReady(Exception e, string bucket, string serviceUrl, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Photos:S3:ServiceUrl {ServiceUrl} is plain http:// to another machine: photos and signed requests cross the network in clear (the secret key itself is never sent). Use https:// outside a network you trust")]
    private partial void LogInClear(string serviceUrl);
}
