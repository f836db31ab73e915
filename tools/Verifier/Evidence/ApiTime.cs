using System.Globalization;

namespace KpuOrleans.Verifier.Evidence;

/// <summary>
/// The times the API writes (<c>certifiedAt</c>, a withdrawal's <c>at</c>, a tally's <c>certified.at</c>): ISO 8601
/// with seconds, an optional fraction and an offset, e.g. <c>2024-11-28T02:41:07.123456Z</c>. Compared as instants,
/// so that the same moment written two ways is the same moment.
/// </summary>
public static class ApiTime
{
    private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK"];

    /// <returns>Null for text that is not such a time, or that has no offset (a time without one names no instant).</returns>
    public static DateTimeOffset? Parse(string? text) =>
        text is not null && (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-')
        && DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : null;

    /// <summary>Whether two written times are the same instant; text that is no time equals only the same text.</summary>
    public static bool Same(string? one, string? other) =>
        Parse(one) is { } a && Parse(other) is { } b ? a == b : string.Equals(one, other, StringComparison.Ordinal);
}
