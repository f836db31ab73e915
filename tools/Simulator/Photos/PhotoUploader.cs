using System.Net;
using System.Net.Http.Headers;
using KpuOrleans.Simulator.Sending;
using KpuOrleans.Simulator.Throttling;
using KpuOrleans.Simulator.Tokens;

namespace KpuOrleans.Simulator.Photos;

/// <summary>
/// Uploads a form's pages as its officer's phone does: <c>HEAD /api/v1/photos/{sha256}</c> first, so a page already
/// stored (a retry, a resumed upload) is not sent again, then <c>PUT</c> with the officer's token. A 429 is waited out
/// by <see cref="Throttle"/>; a 503 (store busy or away) is waited out as its Retry-After says and asked again, up to
/// the run's attempts, without being an error; no answer or another 5xx is an error and asked again; anything else
/// is an error and the page stays missing (the final check says so).
/// </summary>
internal sealed class PhotoUploader(HttpClient http, Throttle throttle, RunStats stats, OfficerTokens? officers, int attempts, TimeSpan backoff)
{
    private static readonly MediaTypeHeaderValue Png = new("image/png");

    /// <returns>Whether every page is stored.</returns>
    public async Task<bool> UploadAsync(FormPhotos photos, CancellationToken cancellationToken)
    {
        var names = photos.Names;
        var token = officers?.For(photos.Form);
        var all = true;
        for (var i = 0; i < names.Count; i++) all &= await PageAsync(photos, i, names[i], token, cancellationToken);
        photos.Release();
        return all;
    }

    private async Task<bool> PageAsync(FormPhotos photos, int index, string name, string? token, CancellationToken cancellationToken)
    {
        var what = $"photo {name[..12]}… page {index + 1}/{photos.Pages} of {photos.Form.Tps} {photos.Form.Contest} v{photos.Form.Version}";
        for (var attempt = 1; ; attempt++)
        {
            var (status, retryAfter, detail) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, $"api/v1/photos/{name}"), ThrottledArea.Reads,
                cancellationToken);
            if (status == 200)
            {
                photos.Stored(index);
                stats.PhotoFound();
                return true;
            }
            if (status == 404)
            {
                var bytes = photos.Bytes(index);
                (status, retryAfter, detail) = await SendAsync(() => Put(name, bytes, token), ThrottledArea.Writes, cancellationToken);
                if (status is 200 or 201)
                {
                    photos.Stored(index);
                    if (status == 201) stats.PhotoUploaded(bytes.Length);
                    else stats.PhotoFound();
                    return true;
                }
            }
            if (attempt >= attempts || status is not (0 or >= 500))
            {
                stats.Error($"photo {RunStats.StatusLabel(status)}", $"{RunStats.StatusLabel(status)} for {what} (attempt {attempt}): {detail}");
                return false;
            }
            if (status == 503)
            {
                stats.PhotoHeldBack();
                await Task.Delay(Throttle.WaitFor(retryAfter, DateTimeOffset.UtcNow), cancellationToken);
            }
            else
            {
                stats.Error($"photo {RunStats.StatusLabel(status)}", $"{RunStats.StatusLabel(status)} for {what} (attempt {attempt}, sent again): {detail}");
                await Task.Delay(backoff * attempt, cancellationToken);
            }
        }
    }

    private static HttpRequestMessage Put(string name, byte[] bytes, string? token)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = Png;
        var request = new HttpRequestMessage(HttpMethod.Put, $"api/v1/photos/{name}") { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private async Task<(int Status, RetryConditionHeaderValue? RetryAfter, string? Detail)> SendAsync(Func<HttpRequestMessage> request, ThrottledArea area,
        CancellationToken cancellationToken)
    {
        try
        {
            using var response = await throttle.SendAsync(http, request, area, cancellationToken);
            var body = response.StatusCode == HttpStatusCode.OK || response.StatusCode == HttpStatusCode.Created
                ? null
                : await response.Content.ReadAsStringAsync(cancellationToken);
            return ((int)response.StatusCode, response.Headers.RetryAfter, body is null ? null : body[..Math.Min(body.Length, 300)]);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (0, null, e.Message);
        }
    }
}
