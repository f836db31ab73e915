using System.Collections.Concurrent;
using System.Text.Json;
using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Download;

/// <summary>
/// Every tally the API publishes for one contest, found the way any reader finds them: the tally of the contest's
/// scope, then the <c>children</c> of every region down to the TPS (a village's children), one level at a time with
/// a few requests in flight. A whole province is about 9,200 children lists per contest.
/// </summary>
public sealed class TallyTree(PublicApi api, int parallelism)
{
    /// <returns>Each tally's JSON text as published, in code order.</returns>
    public async Task<IReadOnlyList<string>> ReadAsync(ContestInfo contest, CancellationToken cancellationToken)
    {
        var found = new ConcurrentBag<(string Region, string Json)>();
        var contestPath = $"api/v1/tally/{Uri.EscapeDataString(contest.Id)}";
        IReadOnlyList<string> frontier;
        using (var scope = await api.GetJsonAsync($"{contestPath}/{Uri.EscapeDataString(contest.Scope)}", cancellationToken))
            frontier = Keep(scope.RootElement, found) is { } below ? [below] : [];

        while (frontier.Count > 0)
        {
            var next = new ConcurrentBag<string>();
            await Parallel.ForEachAsync(frontier, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (region, token) =>
                {
                    using var children = await api.GetJsonAsync($"{contestPath}/{Uri.EscapeDataString(region)}/children", token);
                    if (children.RootElement.ValueKind != JsonValueKind.Array)
                        throw new EvidenceException($"the children of {contest.Id} {region} are not a JSON array");
                    foreach (var child in children.RootElement.EnumerateArray())
                    {
                        if (Keep(child, found) is { } below) next.Add(below);
                    }
                });
            frontier = [.. next];
        }
        return [.. found.OrderBy(t => t.Region, StringComparer.Ordinal).Select(t => t.Json)];
    }

    /// <returns>The tally's region when it has children to read (anything but a TPS); null otherwise.</returns>
    private static string? Keep(JsonElement tally, ConcurrentBag<(string Region, string Json)> found)
    {
        if (tally.ValueKind != JsonValueKind.Object
            || !tally.TryGetProperty("region", out var region) || region.ValueKind != JsonValueKind.String
            || !tally.TryGetProperty("level", out var level) || level.ValueKind != JsonValueKind.String)
        {
            var text = tally.GetRawText();
            throw new EvidenceException($"the API answered something that is not a tally with a region and a level: {text[..Math.Min(text.Length, 200)]}");
        }
        found.Add((region.GetString()!, tally.GetRawText()));
        return level.GetString() == "tps" ? null : region.GetString();
    }
}
