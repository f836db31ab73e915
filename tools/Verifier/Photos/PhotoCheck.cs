using System.Net;
using System.Security.Cryptography;
using KpuOrleans.Verifier.Download;
using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Photos;

/// <summary>A cited photo that is not what its name says: missing, or bytes that hash to another name.</summary>
public sealed record PhotoProblem(string Sha256, IReadOnlyList<string> CitedBy, string What)
{
    public override string ToString() =>
        $"PHOTO {Sha256} (cited by {string.Join(", ", CitedBy.Take(3))}{(CitedBy.Count > 3 ? $" and {CitedBy.Count - 3} more" : "")}): {What}";
}

/// <summary>What the photo check found: how many photos the exports cite, how each was checked, and what is wrong.</summary>
public sealed record PhotoReport(int Cited, int Downloaded, int Asked, IReadOnlyList<PhotoProblem> Problems, IReadOnlyList<string> Notes)
{
    public bool Clean => Problems.Count == 0;

    public string Summary => Clean
        ? $"Photos OK: every one of {Cited} cited photos is stored ({Downloaded} downloaded, each hashing to its name; {Asked} asked for with HEAD)"
        : $"Photos FAILED: {Problems.Count} of {Cited} cited photos are missing or do not hash to their names ({Downloaded} downloaded, {Asked} asked for with HEAD)";
}

/// <summary>
/// Checks the photos the exports cite (API.md, "Photos of the form"): every one is stored (<c>GET</c> or <c>HEAD
/// /api/v1/photos/{sha256}</c> is 200), and every one downloaded hashes, byte for byte, to its name. Rows of an export
/// without the <c>photos</c> column are from before photos: skipped, with a note. A 429 or 503 is waited out as for
/// every read; no answer at all is "cannot tell" (<see cref="EvidenceException"/>), not a difference.
/// </summary>
public sealed class PhotoCheck(HttpClient http, int parallelism = 16)
{
    /// <summary>No photo is over 8 MiB (<c>Photos:MaxBytes</c> is at most 30 MB); a body running on past this is no photo.</summary>
    public const long LongestBody = 32L * 1024 * 1024;

    /// <param name="contests">Read once, one at a time: only the cited names are kept.</param>
    public async Task<PhotoReport> RunAsync(IEnumerable<ContestEvidence> contests, PhotoSelection? selection, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var citations = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var problems = new List<PhotoProblem>();
        foreach (var contest in contests)
        {
            if (contest.Rows.Count > 0 && contest.Rows.All(r => r.Photos is null))
            {
                notes.Add($"{contest.Contest.Id}: the server lists no photos for it (a server from before photos): its photos are not checked");
                continue;
            }
            foreach (var row in contest.Rows)
            {
                foreach (var page in row.Photos ?? [])
                {
                    var name = page.ToLowerInvariant();
                    if (name.Length != 64 || !name.All(char.IsAsciiHexDigit))
                    {
                        problems.Add(new PhotoProblem(page, [$"{contest.Contest.Id} {row.Tps}"], "is not a SHA-256 name (64 hexadecimal characters)"));
                        continue;
                    }
                    if (!citations.TryGetValue(name, out var by)) citations[name] = by = [];
                    by.Add($"{contest.Contest.Id} {row.Tps}");
                }
            }
        }
        selection ??= PhotoSelection.Default(citations.Count);
        if (!selection.Check)
        {
            notes.Add($"photos: {citations.Count} cited, not checked (--photos none)");
            return new PhotoReport(citations.Count, 0, 0, problems, notes);
        }
        var names = citations.Keys.ToArray();
        RandomNumberGenerator.Shuffle(names.AsSpan());
        var download = selection.Sample is { } n ? Math.Min(n, names.Length) : names.Length;
        if (download < names.Length)
            notes.Add($"photos: {download} of {names.Length} cited photos drawn at random to download and hash (--photos {selection}); the rest asked for with HEAD");

        await Parallel.ForEachAsync(names.Select((name, i) => (name, get: i < download)),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (item, token) =>
            {
                var what = await CheckAsync(item.name, item.get, token);
                if (what is null) return;
                lock (problems) problems.Add(new PhotoProblem(item.name, citations[item.name], what));
            });
        problems.Sort((a, b) => string.CompareOrdinal(a.Sha256, b.Sha256));
        return new PhotoReport(names.Length, download, names.Length - download, problems, notes);
    }

    /// <returns>What is wrong with the photo; null when it is stored (and, downloaded, hashes to its name).</returns>
    private async Task<string?> CheckAsync(string name, bool download, CancellationToken cancellationToken)
    {
        var path = $"api/v1/photos/{name}";
        var method = download ? HttpMethod.Get : HttpMethod.Head;
        var waited = TimeSpan.Zero;
        while (true)
        {
            using var response = await SendAsync(method, path, cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK when !download:
                    return null;
                case HttpStatusCode.OK:
                    try
                    {
                        return await HashAsync(response, name, cancellationToken);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        throw new EvidenceException($"GET {new Uri(http.BaseAddress!, path)} broke off: {e.Message}", e);
                    }
                case HttpStatusCode.NotFound:
                    return $"missing: {method} {path} answered 404";
                case HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable when waited < PublicApi.Patience:
                    var wait = PublicApi.WaitFor(response.Headers.RetryAfter, DateTimeOffset.UtcNow);
                    await Task.Delay(wait, cancellationToken);
                    waited += wait;
                    continue;
                default:
                    throw new EvidenceException($"{method} {new Uri(http.BaseAddress!, path)} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
        }
    }

    private static async Task<string?> HashAsync(HttpResponseMessage response, string name, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > LongestBody) return $"GET answered more than {LongestBody / 1048576} MiB, more than any photo may be";
            hash.AppendData(buffer, 0, read);
        }
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        return actual == name ? null : $"the {total} bytes GET answered hash to {actual}, not to their name";
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(new HttpRequestMessage(method, path), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new EvidenceException($"{method} {new Uri(http.BaseAddress!, path)} failed: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            throw new EvidenceException($"{method} {new Uri(http.BaseAddress!, path)} had no answer within {http.Timeout.TotalSeconds:N0} s", e);
        }
    }
}
