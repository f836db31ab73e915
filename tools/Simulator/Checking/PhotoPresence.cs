using KpuOrleans.Simulator.Script;
using KpuOrleans.Simulator.Throttling;

namespace KpuOrleans.Simulator.Checking;

/// <summary>The end-of-run photo check: how many pages the accepted forms cite, and those the gateway does not have.</summary>
internal sealed record PhotoPresence(int Cited, IReadOnlyList<string> Missing)
{
    public bool Clean => Missing.Count == 0;
}

/// <summary>
/// Asks <c>HEAD /api/v1/photos/{sha256}</c> for every page cited by any accepted version (older versions keep their
/// pages in the history): each must be 200. A 429 is waited out like every read.
/// </summary>
internal sealed class PhotoPresenceCheck(HttpClient http, Throttle throttle, int parallelism = 16)
{
    public async Task<PhotoPresence> CheckAsync(IEnumerable<TpsRace> races, CancellationToken cancellationToken)
    {
        var cited = races.SelectMany(r => r.Accepted).SelectMany(a => a.Form.Pages.Select(page => (Page: page, a.Form)))
            .DistinctBy(c => c.Page, StringComparer.OrdinalIgnoreCase).ToList();
        var missing = new List<string>();
        await Parallel.ForEachAsync(cited, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (c, token) =>
            {
                string answer;
                try
                {
                    using var response = await throttle.SendAsync(http, () => new HttpRequestMessage(HttpMethod.Head, $"api/v1/photos/{c.Page}"),
                        ThrottledArea.Reads, token);
                    if ((int)response.StatusCode == 200) return;
                    answer = $"HEAD answered {(int)response.StatusCode}";
                }
                catch (Exception e) when (!token.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or IOException)
                {
                    answer = $"HEAD had no answer: {e.Message}";
                }
                lock (missing) missing.Add($"{c.Page} (cited by {c.Form.Tps} {c.Form.Contest} v{c.Form.Version}): {answer}");
            });
        missing.Sort(StringComparer.Ordinal);
        return new PhotoPresence(cited.Count, missing);
    }
}
