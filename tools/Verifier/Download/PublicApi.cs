using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Download;

/// <summary>
/// The gateway's public, anonymous reads. A 429 (this address over its read limit) or a 503 (storage away for a
/// moment) says nothing about the count and both come with Retry-After, so the request waits as told and goes
/// again; anything else that is not a success, or no answer, ends the download as an <see cref="EvidenceException"/>.
/// </summary>
public sealed class PublicApi(HttpClient http)
{
    /// <summary>A 429 or 503 without Retry-After.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(1);

    /// <summary>A far-off Retry-After is waited in steps no longer than this, so an interruption is felt.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(60);

    /// <summary>How long one request may be held back in all before it counts as unanswered.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    public Uri BaseAddress => http.BaseAddress!;

    /// <summary>How often a request was told to wait (429 or 503), for the progress lines.</summary>
    public int Waits => _waits;

    private int _waits;

    public async Task<string> GetStringAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(path, cancellationToken);
        return await Read(path, () => response.Content.ReadAsStringAsync(cancellationToken));
    }

    public async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        var text = await GetStringAsync(path, cancellationToken);
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new EvidenceException($"GET {Url(path)} did not answer JSON: {e.Message}");
        }
    }

    /// <summary>Streams the body into <paramref name="file"/> as it comes: an export can be tens of megabytes.</summary>
    public async Task SaveAsync(string path, string file, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(path, cancellationToken);
        await using var target = File.Create(file);
        await Read(path, async () =>
        {
            await response.Content.CopyToAsync(target, cancellationToken);
            return true;
        });
    }

    /// <summary>
    /// A read whose 404 is an answer rather than a failure (a proof's <c>Not counted</c>): the status, the body and the
    /// Retry-After of a success or a 404.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body, TimeSpan RetryAfter)> GetAnswerAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(path, cancellationToken, notFoundAnswers: true);
        var body = await Read(path, () => response.Content.ReadAsStringAsync(cancellationToken));
        return (response.StatusCode, body, WaitFor(response.Headers.RetryAfter, DateTimeOffset.UtcNow));
    }

    /// <summary><see cref="SaveAsync"/> for a file a server may not have (one from before it existed).</summary>
    /// <returns>False when the server answered 404; nothing is written then.</returns>
    public async Task<bool> SaveIfServedAsync(string path, string file, CancellationToken cancellationToken)
    {
        using (var probe = await Read(path, () => http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken)))
        {
            if (probe.StatusCode == HttpStatusCode.NotFound) return false;
        }
        await SaveAsync(path, file, cancellationToken);
        return true;
    }

    private async Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken, bool notFoundAnswers = false)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            var response = await Read(path, () => http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken));
            if (response.IsSuccessStatusCode || (notFoundAnswers && response.StatusCode == HttpStatusCode.NotFound)) return response;
            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && waited < Patience)
            {
                var wait = WaitFor(response.Headers.RetryAfter, DateTimeOffset.UtcNow);
                response.Dispose();
                Interlocked.Increment(ref _waits);
                await Task.Delay(wait, cancellationToken);
                waited += wait;
                continue;
            }
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new EvidenceException($"GET {Url(path)} answered {(int)response.StatusCode} {response.ReasonPhrase}: {body[..Math.Min(body.Length, 300)]}");
        }
    }

    /// <summary>Retry-After as seconds or as a date, within [0, <see cref="LongestWait"/>].</summary>
    public static TimeSpan WaitFor(RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : DefaultWait);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestWait ? LongestWait : wait;
    }

    private async Task<T> Read<T>(string path, Func<Task<T>> request)
    {
        try
        {
            return await request();
        }
        catch (HttpRequestException e)
        {
            throw new EvidenceException($"GET {Url(path)} failed: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new EvidenceException($"GET {Url(path)} broke off: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
        {
            throw new EvidenceException($"GET {Url(path)} had no answer within {http.Timeout.TotalSeconds:N0} s", e);
        }
    }

    public Uri Url(string path) => new(BaseAddress, path);
}
