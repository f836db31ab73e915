using KpuOrleans.Tps;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Evidence;

/// <summary>
/// Where a stored photo is announced. Recorded first, then the citing TPS are found: a form stored meanwhile finds
/// the record when it asks for its pages (it writes, then reads; this writes, then reads), so no citation is missed.
/// </summary>
public sealed class PhotoGrain(IPhotoCatalogue catalogue, ILogger<PhotoGrain> logger) : Grain, IPhotoGrain
{
    /// <summary>How many TPS are told at once: a photo cited by many forms (a test page sent everywhere) stays a bounded burst.</summary>
    private const int TellingAtOnce = 16;

    public async Task Stored(PhotoRecord photo)
    {
        if (photo.Sha256 != this.GetPrimaryKeyString()) throw new ArgumentException($"photo {photo.Sha256} announced to grain {this.GetPrimaryKeyString()}");
        if (await catalogue.RecordAsync(photo)) logger.LogDebug("Photo {Sha256} recorded", photo.Sha256);
        var citers = await catalogue.CitersAsync(photo.Sha256);
        foreach (var wave in citers.Chunk(TellingAtOnce))
            await Task.WhenAll(wave.Select(citer => GrainFactory.GetGrain<ITpsGrain>(citer.Tps).EvidenceChanged(citer.Contest)));
    }
}
