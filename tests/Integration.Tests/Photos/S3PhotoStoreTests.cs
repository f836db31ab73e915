using System.Security.Cryptography;
using System.Text;
using KpuOrleans.Gateway.Photos;
using Microsoft.Extensions.Logging.Abstractions;

namespace KpuOrleans.Integration.Tests.Photos;

/// <summary>
/// <see cref="S3PhotoStore"/> against a real S3-compatible server (scripts/s3.sh): what the endpoints rely on, object
/// by object, and a store that is down or refuses the gateway's keys is a <see cref="PhotoStoreUnavailableException"/>.
/// The server is stopped and started here, so these tests have a server of their own and run one at a time.
/// </summary>
[Collection(Name)]
public sealed class S3PhotoStoreTests
{
    public const string Name = "s3 store";

    private static readonly S3Server Server = S3Server.Store;

    [Fact]
    public async Task Stores_finds_and_reads_a_photo_and_storing_it_again_is_harmless()
    {
        await Server.StartAsync();
        var store = StoreFor(S3Server.NewBucket("roundtrip"));
        var photo = RandomBytes(300_000, seed: 1);
        var key = Hash(photo);

        // The bucket does not exist yet either: absent is absent, and the first upload makes the bucket.
        Assert.Null(await store.FindAsync(key, CancellationToken.None));
        await store.PutAsync(key, "image/jpeg", photo, CancellationToken.None);

        var found = await store.FindAsync(key, CancellationToken.None);
        Assert.Equal(new StoredPhoto("image/jpeg", photo.Length), found);
        await AssertReadsAsync(store, key, "image/jpeg", photo);

        await store.PutAsync(key, "image/jpeg", photo, CancellationToken.None);
        Assert.Equal(found, await store.FindAsync(key, CancellationToken.None));
        await AssertReadsAsync(store, key, "image/jpeg", photo);

        // A slice of a larger buffer is stored as the slice, and the content type is the object's own.
        var buffer = RandomBytes(5_000, seed: 2);
        var slice = buffer.AsMemory(1_000, 2_000);
        var sliceKey = Hash(slice.ToArray());
        await store.PutAsync(sliceKey, "image/png", slice, CancellationToken.None);
        await AssertReadsAsync(store, sliceKey, "image/png", slice.ToArray());
        await AssertReadsAsync(store, key, "image/jpeg", photo);

        var absent = Hash(RandomBytes(100, seed: 3));
        Assert.Null(await store.FindAsync(absent, CancellationToken.None));
        Assert.Null(await store.ReadAsync(absent, CancellationToken.None));
    }

    [Fact]
    public async Task A_store_that_is_down_is_unavailable_and_after_its_restart_every_photo_is_still_there()
    {
        await Server.StartAsync();
        var store = StoreFor(S3Server.NewBucket("restart"));
        var photo = RandomBytes(50_000, seed: 4);
        var key = Hash(photo);
        await store.PutAsync(key, "image/webp", photo, CancellationToken.None);

        await Server.StopAsync();
        try
        {
            var other = RandomBytes(1_000, seed: 5);
            await Assert.ThrowsAsync<PhotoStoreUnavailableException>(() => store.FindAsync(key, CancellationToken.None));
            await Assert.ThrowsAsync<PhotoStoreUnavailableException>(() => store.ReadAsync(key, CancellationToken.None));
            await Assert.ThrowsAsync<PhotoStoreUnavailableException>(() => store.PutAsync(Hash(other), "image/png", other, CancellationToken.None));
        }
        finally
        {
            await Server.StartAsync();
        }

        // The same client, its connections to the old process dead: the next calls reach the new one.
        Assert.Equal(new StoredPhoto("image/webp", photo.Length), await store.FindAsync(key, CancellationToken.None));
        await AssertReadsAsync(store, key, "image/webp", photo);
    }

    [Fact]
    public async Task A_store_that_refuses_the_keys_is_unavailable_not_empty()
    {
        await Server.StartAsync();
        var bucket = S3Server.NewBucket("keys");
        var photo = RandomBytes(1_000, seed: 6);
        await StoreFor(bucket).PutAsync(Hash(photo), "image/png", photo, CancellationToken.None);

        var options = Server.Options(bucket);
        options.AccessKey = "NOT-A-KEY";
        var stranger = new S3PhotoStore(S3PhotoStoreExtensions.CreateClient(options), options, NullLogger<S3PhotoStore>.Instance);
        await Assert.ThrowsAsync<PhotoStoreUnavailableException>(() => stranger.ReadAsync(Hash(photo), CancellationToken.None));
        await Assert.ThrowsAsync<PhotoStoreUnavailableException>(() => stranger.PutAsync(Hash(photo), "image/png", photo, CancellationToken.None));
    }

    [Fact]
    public async Task The_bucket_is_created_once()
    {
        await Server.StartAsync();
        var bucket = S3Server.NewBucket("ensure");
        using var client = S3PhotoStoreExtensions.CreateClient(Server.Options(bucket));
        Assert.True(await S3Bucket.EnsureAsync(client, bucket, CancellationToken.None));
        Assert.False(await S3Bucket.EnsureAsync(client, bucket, CancellationToken.None));
    }

    private static S3PhotoStore StoreFor(string bucket)
    {
        var options = Server.Options(bucket);
        return new S3PhotoStore(S3PhotoStoreExtensions.CreateClient(options), options, NullLogger<S3PhotoStore>.Instance);
    }

    private static async Task AssertReadsAsync(IPhotoStore store, string key, string contentType, byte[] expected)
    {
        await using var content = await store.ReadAsync(key, CancellationToken.None);
        Assert.NotNull(content);
        Assert.Equal(contentType, content.ContentType);
        Assert.Equal(expected.Length, content.Length);
        using var copy = new MemoryStream();
        await content.Content.CopyToAsync(copy);
        Assert.Equal(Hash(expected), Hash(copy.ToArray()));
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        // Different on every run, so that a bucket left by an earlier run could not answer for this one.
        Encoding.ASCII.GetBytes(Guid.NewGuid().ToString("N")).CopyTo(bytes, 0);
        return bytes;
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

[CollectionDefinition(S3PhotoStoreTests.Name)]
public sealed class S3StoreCollection;
