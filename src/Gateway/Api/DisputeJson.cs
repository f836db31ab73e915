using System.Text.Json;
using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using Microsoft.AspNetCore.Mvc;

namespace KpuOrleans.Gateway.Api;

/// <summary>A report as API.md gives it; <c>resolution</c> null while it is open.</summary>
public sealed record DisputeDto(long Id, string Tps, string Contest, long Version, string Field, string Note, DateTime OpenedAt,
    string Status, DisputeResolutionDto? Resolution)
{
    public static DisputeDto From(Dispute dispute) => new(dispute.Id, dispute.Tps, dispute.Contest, dispute.Version, dispute.Field,
        dispute.Note, dispute.OpenedAt.UtcDateTime, dispute.IsOpen ? "open" : "resolved",
        dispute.Resolution is { } r ? new DisputeResolutionDto(r.Outcome, r.Reason, r.Version, r.By, r.At.UtcDateTime) : null);
}

public sealed record DisputeResolutionDto(string Outcome, string? Reason, long? Version, string By, DateTime At);

/// <summary>The two request bodies of API.md's "Disputes", read as strictly as forms: shape 400, rules 422.</summary>
public static class DisputeJson
{
    /// <summary>A report or a resolution is a few short strings; a note of 500 characters of 4 UTF-8 bytes is 2 KiB.</summary>
    public const int Limit = 4 * 1024;

    public const int MaxText = 500;

    /// <summary>The form's fields a report may name, beside <c>votes.&lt;ballot number&gt;</c> of the contest.</summary>
    public static readonly IReadOnlySet<string> FormFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "registered", "voted.dpt", "voted.dptb", "voted.dpk", "ballots.received", "ballots.used", "ballots.spoiled",
        "ballots.unused", "valid", "invalid",
    };

    /// <returns>The strings the body holds under <paramref name="names"/> (null where absent), or the 400 to answer.</returns>
    public static (Dictionary<string, string?> Values, ProblemDetails? Problem) Strings(JsonElement root, params string[] names)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (root.ValueKind != JsonValueKind.Object) return (values, Shape("body", "The body must be a JSON object."));
        foreach (var name in names)
        {
            if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) values[name] = null;
            else if (value.ValueKind == JsonValueKind.String) values[name] = value.GetString();
            else return (values, Shape(name, "Must be a string."));
        }
        return (values, null);
    }

    /// <returns>The whole number under <paramref name="name"/> (null where absent), or the 400 to answer.</returns>
    public static (long? Value, ProblemDetails? Problem) Integer(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return (null, null);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? (number, null)
            : (null, Shape(name, "Must be a whole number."));
    }

    public static ProblemDetails Shape(string field, string rule) => Problems.Create(400, "Malformed dispute",
        $"'{field}': {rule}", new Dictionary<string, string[]> { [field] = [rule] });

    /// <summary>API.md rule 9's characters (the form rules' own check) and 1–500 of them.</summary>
    public static string? TextRefusal(string? text, string what) =>
        string.IsNullOrWhiteSpace(text) ? $"Required: {what}, 1–{MaxText} characters."
        : text.Length > MaxText ? $"At most {MaxText} characters ({text.Length} sent)."
        : FormRules.HasControl(text) ? "Must not hold NUL or other control characters (tab and newline excepted)."
        : null;

    public static bool IsFormField(string field, Contest contest) =>
        FormFields.Contains(field)
        || field.StartsWith("votes.", StringComparison.Ordinal) && contest.Candidates.Any(c => c.Number == field["votes.".Length..]);

    public static ProblemDetails Invalid(string title, string field, string rule) =>
        Problems.Create(422, title, $"'{field}': {rule}", new Dictionary<string, string[]> { [field] = [rule] });
}
