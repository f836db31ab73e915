namespace KpuOrleans.Gateway.Photos;

/// <summary>
/// Photos as files under one folder (<c>Photos:Folder</c>), the key as the relative path. A photo is written to a
/// temporary file beside its place, flushed to disk, then renamed into place (atomic on one file system), so a crash
/// never leaves half a photo under its name. The content type is read back from the file's own signature.
/// </summary>
public sealed class FolderPhotoStore : IPhotoStore
{
    private const string TemporaryMark = ".partial-";
    private readonly string _root;

    public FolderPhotoStore(string folder)
    {
        _root = Path.GetFullPath(folder);
        Directory.CreateDirectory(_root);
    }

    public async Task<StoredPhoto?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await using var file = Open(key);
        return file is null ? null : new StoredPhoto(await TypeOfAsync(file, cancellationToken), file.Length);
    }

    public async Task PutAsync(string key, string contentType, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (File.Exists(path)) return;
        var temporary = path + TemporaryMark + Guid.NewGuid().ToString("N");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, useAsync: true))
            {
                await file.WriteAsync(content, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new PhotoStoreUnavailableException("The photo folder cannot be written now (full, or not writable); nothing was stored.", e);
        }
    }

    public async Task<PhotoContent?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var file = Open(key);
        if (file is null) return null;
        try
        {
            return new PhotoContent(await TypeOfAsync(file, cancellationToken), file.Length, file);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <returns>The file, positioned at its start, or null when there is none.</returns>
    private FileStream? Open(string key)
    {
        try
        {
            return new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PhotoStoreUnavailableException("The photo folder cannot be read now.", e);
        }
    }

    private static async Task<string> TypeOfAsync(FileStream file, CancellationToken cancellationToken)
    {
        var start = new byte[12];
        var read = await file.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken);
        file.Position = 0;
        return PhotoFormats.Sniff(start.AsSpan(0, read)) ?? "application/octet-stream";
    }

    /// <summary>Keys are made here from validated hex names; anything else (a way out of the folder) is a bug, refused.</summary>
    private string PathOf(string key)
    {
        if (key.Length == 0 || key.Contains("..", StringComparison.Ordinal) || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.'))
            throw new ArgumentException($"'{key}' is not a photo store key.", nameof(key));
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is never served (no key names it); the folder's owner may remove it.
        }
    }
}
