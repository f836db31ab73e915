using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Gateway.Api;

/// <summary>Reads a request body as one JSON document, refusing oversized, malformed and ambiguous bodies up front.</summary>
public static class RequestJson
{
    public const int FormLimit = 64 * 1024;
    public const int BatchLimit = 8 * 1024 * 1024;

    public const string EmptyBodyTitle = "Empty body";

    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = 16,
        AllowDuplicateProperties = false,
    };

    /// <returns>The document, or the problem to answer with.</returns>
    public static async Task<(JsonDocument? Document, ProblemDetails? Problem)> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return (null, TooLarge(limit));
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return (null, TooLarge(limit));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return (null, Problems.Create(400, EmptyBodyTitle, "The request has no body; send the form as JSON."));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), Options);
        }
        catch (JsonException e)
        {
            return (null, Problems.Create(400, "Malformed JSON", $"The body is not valid JSON: {e.Message}"));
        }
        if (UnreadableText(document.RootElement, "") is not { } path) return (document, null);
        document.Dispose();
        var field = path.Length == 0 ? "body" : path;
        return (null, Problems.Create(400, "Malformed JSON",
            $"The text at '{field}' is not valid UTF-8 (invalid bytes, or an escaped unpaired surrogate such as \\ud800).",
            new Dictionary<string, string[]> { [field] = ["Text must be valid UTF-8."] }));
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
