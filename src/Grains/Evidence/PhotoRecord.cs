namespace KpuOrleans.Evidence;

/// <summary>A photo of a C.Hasil page as the photo store holds it: named by the SHA-256 of its bytes.</summary>
[GenerateSerializer, Immutable, Alias("kpu.PhotoRecord")]
public sealed record PhotoRecord(
    [property: Id(0)] string Sha256,
    [property: Id(1)] string ContentType,
    [property: Id(2)] long Bytes,
    [property: Id(3)] int Width,
    [property: Id(4)] int Height,
    [property: Id(5)] DateTimeOffset StoredAt);

/// <summary>One (TPS, contest) form: what a photo or a dispute is about.</summary>
[GenerateSerializer, Immutable, Alias("kpu.FormKey")]
public sealed record FormKey(
    [property: Id(0)] string Tps,
    [property: Id(1)] string Contest);
