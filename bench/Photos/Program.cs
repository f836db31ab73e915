using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using KpuOrleans.Gateway.Photos;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;

// Upload throughput of photos to the S3 store (bench/photos runs it; docs/BENCHMARKS.md, "Issue 18: photos"):
// distinct phone-sized JPEGs, made before the clock starts, sent by a few concurrent uploaders, once straight into the
// store (S3PhotoStore.PutAsync: what the store itself takes) and once through a gateway (PUT /api/v1/photos: hash,
// decode, thumbnail, two objects stored, the cluster told).
//
// Usage: KpuOrleans.Bench.Photos --s3 URL --bucket NAME --gateway URL [--photos N] [--concurrency C]
var settings = Arguments(args);
var photos = int.Parse(settings.GetValueOrDefault("photos", "200"));
var concurrency = int.Parse(settings.GetValueOrDefault("concurrency", "4"));
var s3 = settings["s3"];
var gateway = new Uri(settings["gateway"]);

Console.WriteLine($"making {2 * photos} distinct JPEGs (1600x1200, phone-like detail)...");
var direct = Enumerable.Range(0, photos).Select(i => Jpeg(1_000_000 + i)).ToArray();
var viaGateway = Enumerable.Range(0, photos).Select(i => Jpeg(2_000_000 + i)).ToArray();
Console.WriteLine($"photo size: mean {direct.Average(p => p.Length) / 1024:N0} KiB, min {direct.Min(p => p.Length) / 1024:N0}, max {direct.Max(p => p.Length) / 1024:N0}");

var options = new S3PhotoStoreOptions { ServiceUrl = s3, Bucket = settings["bucket"], AccessKey = "S3RVER", SecretKey = "S3RVER" };
using var client = S3PhotoStoreExtensions.CreateClient(options);
await S3Bucket.EnsureAsync(client, options.Bucket, CancellationToken.None);
var store = new S3PhotoStore(client, options, NullLogger<S3PhotoStore>.Instance);
await store.PutAsync("warm-up", "image/jpeg", direct[0], CancellationToken.None);
Report("store only (S3PhotoStore.PutAsync)", direct, await RunAsync(direct, concurrency,
    photo => store.PutAsync($"photos/{Sha256(photo)}", "image/jpeg", photo, CancellationToken.None)));

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
var thumbBytes = new List<long>();
Report("through the gateway (PUT /api/v1/photos)", viaGateway, await RunAsync(viaGateway, concurrency, async photo =>
{
    using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(gateway, $"/api/v1/photos/{Sha256(photo)}"))
    {
        Content = new ByteArrayContent(photo) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } },
    };
    using var response = await http.SendAsync(request);
    if (response.StatusCode != HttpStatusCode.Created)
        throw new InvalidOperationException($"PUT answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}));
foreach (var photo in viaGateway.Take(20))
    thumbBytes.Add((await http.GetByteArrayAsync(new Uri(gateway, $"/api/v1/photos/{Sha256(photo)}/thumb"))).LongLength);
Console.WriteLine($"thumbnail size: mean {thumbBytes.Average() / 1024:N0} KiB (20 sampled)");
return 0;

static async Task<TimeSpan> RunAsync(byte[][] photos, int concurrency, Func<byte[], Task> upload)
{
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < photos.Length; i = Interlocked.Increment(ref next)) await upload(photos[i]);
    }));
    return clock.Elapsed;
}

static void Report(string what, byte[][] photos, TimeSpan elapsed)
{
    var bytes = photos.Sum(p => (long)p.Length);
    Console.WriteLine($"{what}: {photos.Length} photos in {elapsed.TotalSeconds:N1} s = {photos.Length / elapsed.TotalSeconds:N1} photos/s, " +
                      $"{bytes / 1e6 / elapsed.TotalSeconds:N1} MB/s");
}

// A form-like picture: paper with ruled rows, dark handwriting-like strokes, lighting gradient and sensor noise, so that
// JPEG sizes land where a phone's 2-megapixel photo of a form does (a few hundred KB), not at a flat image's few KB.
static byte[] Jpeg(int seed)
{
    var random = new Random(seed);
    using var bitmap = new SKBitmap(1600, 1200, SKColorType.Rgba8888, SKAlphaType.Opaque);
    using (var canvas = new SKCanvas(bitmap))
    {
        using var paper = new SKPaint { Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(1600, 1200),
            [new SKColor(236, 232, 220), new SKColor(198, 194, 184)], SKShaderTileMode.Clamp) };
        canvas.DrawRect(0, 0, 1600, 1200, paper);
        using var rule = new SKPaint { Color = new SKColor(40, 40, 60), StrokeWidth = 2, IsAntialias = true };
        for (var y = 60; y < 1200; y += 48) canvas.DrawLine(40, y + random.Next(-2, 3), 1560, y + random.Next(-2, 3), rule);
        using var ink = new SKPaint { Color = new SKColor(20, 30, 110), StrokeWidth = 3, IsAntialias = true, Style = SKPaintStyle.Stroke };
        for (var stroke = 0; stroke < 1800; stroke++)
        {
            float x = random.Next(40, 1560), y = random.Next(60, 1180);
            canvas.DrawLine(x, y, x + random.Next(-14, 15), y + random.Next(-18, 19), ink);
        }
    }
    var pixels = bitmap.GetPixelSpan().ToArray();
    for (var i = 0; i < pixels.Length; i += 4)
    {
        var noise = random.Next(-7, 8);
        for (var c = 0; c < 3; c++) pixels[i + c] = (byte)Math.Clamp(pixels[i + c] + noise, 0, 255);
    }
    System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
    using var image = SKImage.FromBitmap(bitmap);
    using var data = image.Encode(SKEncodedImageFormat.Jpeg, 75);
    return data.ToArray();
}

static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

static Dictionary<string, string> Arguments(string[] args)
{
    var settings = new Dictionary<string, string>();
    for (var i = 0; i + 1 < args.Length; i += 2) settings[args[i].TrimStart('-')] = args[i + 1];
    foreach (var required in new[] { "s3", "bucket", "gateway" })
        if (!settings.ContainsKey(required)) throw new ArgumentException($"--{required} is required");
    return settings;
}
