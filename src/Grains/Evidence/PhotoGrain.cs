namespace KpuOrleans.Evidence;

public sealed class PhotoGrain : Grain, IPhotoGrain
{
    // Filled in by the lead's branch (catalogue + telling the citing TPS); a no-op until then so uploads can be built.
    public Task Stored(PhotoRecord photo) => Task.CompletedTask;
}
