using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Gateway.Api;

/// <summary>Reads a request body as one JSON document, refusing oversized, malformed and ambiguous bodies up front.</summary>
public static class RequestJson
{
    public const int FormLimit = 64 * 1024;
    public const int BatchLimit = 8 * 1024 * 1024;

    public const string EmptyBodyTitle = "Empty body";

    /// <summary>The first buffer when the request does not say its length (a form is well under this).</summary>
    private const int UnknownLengthStart = 4 * 1024;

    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = 16,
        AllowDuplicateProperties = false,
    };

    /// <returns>The document, or the problem to answer with.</returns>
    public static async Task<(JsonBody? Document, ProblemDetails? Problem)> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return (null, TooLarge(limit));
        // One more byte than announced, so that the end of the body is seen without growing the buffer.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? UnknownLengthStart, limit) + 1);
        var owned = true;
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length) buffer = Grow(buffer, Math.Min(buffer.Length * 2L, limit + 1L));
                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0) break;
                length += read;
                if (length > limit) return (null, TooLarge(limit));
            }
            if (length == 0) return (null, Problems.Create(400, EmptyBodyTitle, "The request has no body; send the form as JSON."));
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(buffer.AsMemory(0, length), Options);
            }
            catch (JsonException e)
            {
                return (null, Problems.Create(400, "Malformed JSON", $"The body is not valid JSON: {e.Message}"));
            }
            if (!MayHoldUnreadableText(buffer.AsSpan(0, length)) || UnreadableText(document.RootElement, "") is not { } path)
            {
                owned = false;
                return (new JsonBody(document, buffer), null);
            }
            document.Dispose();
            var field = path.Length == 0 ? "body" : path;
            return (null, Problems.Create(400, "Malformed JSON",
                $"The text at '{field}' is not valid UTF-8 (invalid bytes, or an escaped unpaired surrogate such as \\ud800).",
                new Dictionary<string, string[]> { [field] = ["Text must be valid UTF-8."] }));
        }
        finally
        {
            if (owned) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, long size)
    {
        var larger = ArrayPool<byte>.Shared.Rent((int)size);
        buffer.CopyTo(larger, 0);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    /// <summary>
    /// A string can only fail to read if the body holds bytes that are not UTF-8 or an escape of a surrogate
    /// (<c>\uD800</c> to <c>\uDFFF</c>). Without either, which is every honest form, the walk below cannot find
    /// anything and is skipped; with either, it runs and names the place (a valid pair is simply walked for nothing).
    /// </summary>
    private static bool MayHoldUnreadableText(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body)) return true;
        for (var at = body.IndexOf("\\u"u8); at >= 0 && at + 3 < body.Length; )
        {
            if (body[at + 2] is (byte)'d' or (byte)'D' && body[at + 3] is (>= (byte)'8' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F'))
                return true;
            var next = body[(at + 2)..].IndexOf("\\u"u8);
            at = next < 0 ? -1 : at + 2 + next;
        }
        return false;
    }

    /// <summary>
    /// The parser accepts a string holding invalid UTF-8 bytes or an escaped lone surrogate and only fails when the
    /// string is read, which would be deep inside the handling of a form (or halfway through a batch). Every name and
    /// string is read here once, so that such a body is refused whole before anything is judged.
    /// </summary>
    /// <returns>The path of the first such name or string, or null when all of them read.</returns>
    private static string? UnreadableText(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(() => element.GetString()) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Readable(() => property.Name)) return path.Length == 0 ? "(a field name)" : $"{path}.(a field name)";
                    var name = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (UnreadableText(property.Value, name) is { } found) return found;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                    if (UnreadableText(item, $"{path}[{index++}]") is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    private static bool Readable(Func<string?> read)
    {
        try
        {
            read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static ProblemDetails TooLarge(int limit) =>
        Problems.Create(413, "Body too large", $"The body exceeds {limit / 1024:N0} KiB, the most this endpoint takes.");
}
