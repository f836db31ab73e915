using KpuOrleans.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KpuOrleans.Gateway.Photos;

public static class PhotoServices
{
    /// <summary>The photo store <c>Photos:Store</c> names and the upload pipeline; nonsense settings refuse start-up.</summary>
    public static IServiceCollection AddPhotos(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(PhotoOptions.Section).Get<PhotoOptions>() ?? new PhotoOptions();
        if (options.Problems().ToList() is [_, ..] problems) throw new SettingsRefusedException(string.Join(" ", problems));
        services.AddSingleton(options);
        services.AddSingleton(new DecodeGate(options.MaxConcurrentDecodes, options.MaxQueuedDecodes));
        services.AddSingleton<PhotoUploads>();
        services.AddSingleton<PhotoReads>();
        services.TryAddSingleton(TimeProvider.System);
        // The one place a store is chosen.
        switch (options.Store)
        {
            case PhotoOptions.MemoryStore:
                services.AddSingleton<IPhotoStore>(new InMemoryPhotoStore(options.MemoryLimitBytes));
                break;
            case PhotoOptions.FolderStore:
                services.AddSingleton<IPhotoStore>(Folder(options.Folder!));
                break;
            case PhotoOptions.S3Store:
                services.AddKpuS3PhotoStore(configuration);
                break;
        }
        if (options.Store == PhotoOptions.MemoryStore) services.AddHostedService<MemoryStoreWarning>();
        return services;
    }

    /// <summary>
    /// Photos in one gateway's memory are lost when it stops, while the cluster's catalogue (PostgreSQL) still records
    /// them as stored: allowed, for tests and rehearsals that upload none, but said loudly at every start.
    /// </summary>
    private sealed class MemoryStoreWarning(DeploymentMode mode, ILogger<MemoryStoreWarning> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (mode.IsClustered)
                logger.LogError("Photos: this durable cluster keeps photos in this gateway's memory ({Key}=memory): they are lost when it stops " +
                    "and other gateways cannot serve them. Set {Key}=s3 (or folder on a shared volume).", "Photos:Store", "Photos:Store");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static FolderPhotoStore Folder(string folder)
    {
        try
        {
            return new FolderPhotoStore(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SettingsRefusedException($"{PhotoOptions.Section}:Folder '{folder}' cannot be created or used: {e.Message}");
        }
    }
}
