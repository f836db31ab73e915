using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Gateway.Api;

/// <summary>Reads a request body as one JSON document, refusing oversized, malformed and ambiguous bodies up front.</summary>
public static class RequestJson
{
    public const int FormLimit = 64 * 1024;
    public const int BatchLimit = 8 * 1024 * 1024;

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
        if (buffer.Length == 0) return (null, Problems.Create(400, "Empty body", "The request has no body; send the form as JSON."));
        try
        {
            return (JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), Options), null);
        }
        catch (JsonException e)
        {
            return (null, Problems.Create(400, "Malformed JSON", $"The body is not valid JSON: {e.Message}"));
        }
    }

    private static ProblemDetails TooLarge(int limit) =>
        Problems.Create(413, "Body too large", $"The body exceeds {limit / 1024:N0} KiB, the most this endpoint takes.");
}
