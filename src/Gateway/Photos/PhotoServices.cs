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
        return services;
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
