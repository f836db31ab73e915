using System.Diagnostics.Metrics;
using KpuOrleans.Telemetry;

namespace KpuOrleans.Gateway.Photos;

/// <summary>The photo endpoints' instruments, on the system's own meter so that /metrics exports them with the rest.</summary>
public static class PhotoMetrics
{
    private static readonly Meter Meter = new(KpuMetrics.MeterName);

    /// <summary>
    /// Uploads answered, by <c>outcome</c>: <c>new</c> (201), <c>existing</c> (200), or the refusal: <c>name</c> (400),
    /// <c>too-large</c> (413), <c>type</c> (415), <c>hash</c>, <c>undecodable</c>, <c>too-many-pixels</c> (422),
    /// <c>busy</c>, <c>unavailable</c> (503).
    /// </summary>
    public static readonly Counter<long> Uploaded = Meter.CreateCounter<long>(
        "kpu.photos.uploaded", "{upload}", "Photo uploads answered, by outcome (new, existing, or why refused)");

    /// <summary>Bytes written to the photo store: originals and their thumbnails.</summary>
    public static readonly Counter<long> BytesStored = Meter.CreateCounter<long>(
        "kpu.photo.bytes.stored", "{byte}", "Bytes of photos and thumbnails written to the photo store");

    public static void Count(string outcome) => Uploaded.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
