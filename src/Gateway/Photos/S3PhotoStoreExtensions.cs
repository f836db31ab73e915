using Amazon.Runtime;
using Amazon.S3;
using KpuOrleans.Hosting;

namespace KpuOrleans.Gateway.Photos;

public static class S3PhotoStoreExtensions
{
    /// <summary>
    /// <see cref="S3PhotoStore"/> as the <see cref="IPhotoStore"/> (<c>Photos:Store=s3</c>), its <c>Photos:S3</c>
    /// settings refused at start-up when incomplete.
    /// </summary>
    public static IServiceCollection AddKpuS3PhotoStore(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(S3PhotoStoreOptions.Section).Get<S3PhotoStoreOptions>() ?? new S3PhotoStoreOptions();
        if (options.Problems().ToList() is [_, ..] problems) throw new SettingsRefusedException(string.Join(" ", problems));
        services.AddSingleton(options);
        // A client of its own, not one from the container: nobody else's AWS settings may redirect the photos.
        services.AddKeyedSingleton<IAmazonS3>(typeof(S3PhotoStore), (_, _) => CreateClient(options));
        services.AddSingleton<IPhotoStore>(provider => new S3PhotoStore(
            provider.GetRequiredKeyedService<IAmazonS3>(typeof(S3PhotoStore)), options,
            provider.GetRequiredService<ILogger<S3PhotoStore>>()));
        services.AddHostedService(provider => new S3Bucket(
            provider.GetRequiredKeyedService<IAmazonS3>(typeof(S3PhotoStore)), options,
            provider.GetRequiredService<ILogger<S3Bucket>>()));
        return services;
    }

    /// <summary>
    /// A client that contacts the configured endpoint and nothing else: credentials and region given here (never the
    /// default chain, the instance metadata service or ~/.aws), endpoints from the environment ignored, bounded
    /// timeouts and one retry.
    /// </summary>
    public static AmazonS3Client CreateClient(S3PhotoStoreOptions options)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            AuthenticationRegion = options.Region,
            ForcePathStyle = options.ForcePathStyle,
            IgnoreConfiguredEndpointUrls = true,
            Timeout = S3PhotoStoreOptions.RequestTimeout,
            ConnectTimeout = S3PhotoStoreOptions.ConnectTimeout,
            MaxErrorRetry = S3PhotoStoreOptions.MaxRetries,
            RetryMode = RequestRetryMode.Standard,
            // Checksums only where S3 requires them: the flexible-checksum trailers are not understood by every
            // S3-compatible store, and a photo's SHA-256 is checked by the gateway anyway.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            DisableLogging = true,
        };
        return new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}
