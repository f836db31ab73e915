using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using KpuOrleans.Forms;

namespace KpuOrleans.Integration.Tests.Hostile;

/// <summary>
/// Hostile photo uploads and reads: bad names, missing and bad tokens, other types, bodies whose signature lies,
/// names the body does not hash to, truncated images, decompression bombs, polyglots; with a few honest uploads among
/// them, which must be taken. A refused photo must never be stored (the test reads each refused name back).
/// </summary>
public sealed partial class HostileRequests
{
    public const string Photos = "/api/v1/photos/";
    private const int PhotoLimit = 8 * 1024 * 1024;

    private HostileRequest Photo(int index, Random random, ResultForm form)
    {
        var image = Png(random, random.Next(1, 64), random.Next(1, 64));
        var put = new HostileRequest(index, "photo", "", HttpMethod.Put, Photos + Sha256(image), image, Kpps(form), "image/png");
        return random.Next(15) switch
        {
            0 => put with { Kind = "honest" },
            14 => put with { Kind = "retry", Body = Retried, Path = Photos + Sha256(Retried) },
            1 => put with { Kind = "name", Path = Photos + Pick(random, PhotoNames) },
            2 => put with { Kind = "no-token", Authorization = null },
            3 => put with { Kind = "bad-token", Authorization = Pick(random, ["Bearer x.y.z", "Bearer " + Kpps(form)[7..^3], "Basic a3BwczpwdzE=", "Bearer"]) },
            4 => put with { Kind = "content-type", ContentType = Pick(random, PhotoTypes) },
            5 => Named(put with { Kind = "wrong-magic", ContentType = Pick(random, ["image/jpeg", "image/webp"]) }),
            6 => Named(put with { Kind = "wrong-magic", Body = Utf8(Pick(random, Scripts)), ContentType = Pick(random, ["image/jpeg", "image/png", "image/webp"]) }),
            7 => put with { Kind = "hash", Path = Photos + Sha256(RandomBytes(random, 16)) },
            8 => Named(put with { Kind = "truncated", Body = image[..random.Next(8, image.Length - 12)] }),
            9 => Named(put with { Kind = "bomb", Body = PngClaiming(random, Pick(random, [100_000, 65_535, 12_001, 1 << 30]), random.Next(1, 100_000)) }),
            10 => Named(put with { Kind = "polyglot", Body = [.. image.AsSpan(0, 8), .. Utf8(Pick(random, Scripts))] }),
            11 => Named(put with { Kind = "random-after-signature", Body = [.. image.AsSpan(0, random.Next(8, 40)), .. RandomBytes(random, random.Next(1, 20_000))] }),
            12 => put with { Kind = "read", Method = Pick(random, [HttpMethod.Get, HttpMethod.Head]), Body = null, Authorization = null, ContentType = null,
                Path = Photos + Pick(random, [.. PhotoNames, Sha256(image), Sha256(image) + "/thumb", new string('0', 64) + "/thumb"]),
                IfNoneMatch = random.Next(3) == 0 ? Pick(random, ["*", "\"" + Sha256(image) + "\"", "garbage", "W/\"x\""]) : null },
            _ => put with { Kind = "method", Method = Pick(random, [HttpMethod.Post, HttpMethod.Delete, HttpMethod.Patch]) },
        };
    }

    /// <summary>One honest photo sent again and again, as a phone on a bad network does: 201 once, then 200.</summary>
    private static readonly byte[] Retried = Png(new Random(7), 32, 24);

    /// <summary>The body under its own hash, so that only the check the kind is about can refuse it.</summary>
    private static HostileRequest Named(HostileRequest request) => request with { Path = Photos + Sha256(request.Body!) };

    /// <summary>Over the limit by its Content-Length, or chunked and counted as it arrives.</summary>
    private HostileRequest OverPhotoLimit(int index, bool chunked)
    {
        var body = new byte[PhotoLimit + 1];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(body, 0);
        return new(index, "photo", chunked ? "photo-over-8MiB-chunked" : "photo-over-8MiB", HttpMethod.Put, Photos + Sha256(body), body,
            Kpps(accepted[0]), "image/png", Chunked: chunked);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static readonly string[] PhotoNames =
    [
        "", "abc", new string('g', 64), new string('a', 63), new string('a', 65), "..%2F..%2Fetc%2Fpasswd", "%2e%2e", new string('a', 64) + "%00",
        new string('a', 62) + "%0d%0a", Uri.EscapeDataString("' OR '1'='1"), new string('f', 10_000), "%FF%FE", "photos%2F" + new string('a', 64),
        Uri.EscapeDataString(new string('０', 64)),
    ];

    private static readonly string[] PhotoTypes =
    [
        "image/gif", "image/svg+xml", "text/html", "application/octet-stream", "image/png;;;", "image/", "*/*", "image/jpeg2000",
        "multipart/form-data; boundary=x", "image/x-png",
    ];

    private static readonly string[] Scripts =
    [
        "<!DOCTYPE html><html><script>alert(document.cookie)</script></html>", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
        "GIF89a<script>alert(1)</script>", "%PDF-1.7\n1 0 obj", "#!/bin/sh\nrm -rf /",
    ];

    /// <summary>A real PNG of random pixels: IHDR, one zlib IDAT, IEND, with their CRCs.</summary>
    private static byte[] Png(Random random, int width, int height)
    {
        var rows = new byte[height * (1 + width * 3)];
        random.NextBytes(rows);
        for (var y = 0; y < height; y++) rows[y * (1 + width * 3)] = 0; // filter: none
        using var packed = new MemoryStream();
        using (var zlib = new ZLibStream(packed, CompressionLevel.Fastest)) zlib.Write(rows);
        return [.. PngSignature, .. Chunk("IHDR", Header(width, height)), .. Chunk("IDAT", packed.ToArray()), .. Chunk("IEND", [])];
    }

    /// <summary>A PNG header claiming <paramref name="width"/>×<paramref name="height"/> over a few bytes of data.</summary>
    private static byte[] PngClaiming(Random random, int width, int height) =>
        [.. PngSignature, .. Chunk("IHDR", Header(width, height)), .. Chunk("IDAT", RandomBytes(random, 64)), .. Chunk("IEND", [])];

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static byte[] Header(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        return header;
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        var crc = 0xFFFFFFFFu;
        foreach (var b in chunk.AsSpan(4, 4 + data.Length))
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), ~crc);
        return chunk;
    }
}
