using System.Text.Json;

namespace KpuOrleans.Verifier.Evidence;

/// <summary>
/// One race as <c>GET /api/v1/contests</c> lists it. <paramref name="Ballot"/> holds the ballot numbers in the
/// candidates' order, which is the order the digests write them in.
/// </summary>
public sealed record ContestInfo(string Id, string Kind, string Scope, string Name, IReadOnlyList<string> Ballot)
{
    /// <summary>Whether <paramref name="code"/> is the scope or lies below it.</summary>
    public bool Covers(string code) => RegionCode.IsWithin(code, Scope);

    /// <exception cref="EvidenceException">The text is not API.md's contest list.</exception>
    public static IReadOnlyList<ContestInfo> ParseList(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return [.. document.RootElement.EnumerateArray().Select(Parse)];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new EvidenceException($"{source} is not the list GET /api/v1/contests answers: {e.Message}");
        }
    }

    private static ContestInfo Parse(JsonElement contest) => new(
        contest.GetProperty("id").GetString()!,
        contest.GetProperty("kind").GetString()!,
        contest.GetProperty("scope").GetString()!,
        contest.GetProperty("name").GetString()!,
        [.. contest.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("number").GetString()!)]);
}
