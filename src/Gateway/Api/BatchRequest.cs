using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Gateway.Api;

/// <summary>The envelope of <c>POST /api/v1/results/batch</c>: <c>{ "forms": [ form, ... ] }</c>, at most <see cref="MaxBatch"/> forms.</summary>
public static class BatchRequest
{
    public const int MaxBatch = 1_000;

    /// <returns>The forms, or the problem (400 for a wrong shape, 422 for too many) that rejects the whole batch.</returns>
    public static (JsonElement[] Forms, ProblemDetails? Problem) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("forms", out var forms) || forms.ValueKind != JsonValueKind.Array)
        {
            return ([], Problems.Create(400, "Malformed batch", "The body must be { \"forms\": [ form, ... ] }.",
                new Dictionary<string, string[]> { ["forms"] = ["forms must be an array of forms"] }));
        }
        var count = forms.GetArrayLength();
        if (count > MaxBatch)
        {
            return ([], Problems.Create(422, "Batch too large", $"A batch holds at most {MaxBatch:N0} forms; this one has {count:N0}. Nothing was accepted.",
                new Dictionary<string, string[]> { ["forms"] = [$"at most {MaxBatch:N0} forms per batch (got {count:N0})"] }));
        }
        return ([.. forms.EnumerateArray()], null);
    }
}
