using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.Simulator.Throttling;
using KpuOrleans.Simulator.Tokens;

namespace KpuOrleans.Simulator.Sending;

/// <summary>The server's answer to one form. Status 0: no answer (connection failed or timed out).</summary>
internal sealed record Answer(int Status, AcceptanceBody? Acceptance, string? Detail)
{
    public static Answer NoAnswer(string why) => new(0, null, why);
}

/// <summary>The body of a 201 or 200: <c>{ tps, contest, version, acceptedAt, anomalies }</c>.</summary>
internal sealed record AcceptanceBody(string Tps, string Contest, long Version, DateTimeOffset AcceptedAt, IReadOnlyList<string> Anomalies);

/// <summary>
/// The answers to one request, one per form in order, and its round trip: the last send only, since waiting out a 429
/// is the client's time, not the server's.
/// </summary>
internal sealed record Reply(IReadOnlyList<Answer> Answers, TimeSpan RoundTrip);

/// <summary>
/// Submits forms over HTTP: <c>POST /api/v1/results</c>, or <c>/results/batch</c> for many at once. A 429 (the
/// officer's token over its rate limit) is waited out and sent again by <see cref="Throttle"/>: it is no answer.
/// </summary>
internal sealed class ResultsClient(HttpClient http, Throttle throttle, OfficerTokens? officers = null)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Whether each request carries an officer's token, so that a batch must come from one office.</summary>
    public bool SignsForms => officers is not null;

    public async Task<Reply> SubmitAsync(ResultForm form, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var (json, token) = (FormJsonWriter.One(form), officers?.For(form));
            using var response = await throttle.SendAsync(http, () =>
            {
                started = Stopwatch.GetTimestamp();
                return Request("api/v1/results", json, token);
            }, ThrottledArea.Writes, cancellationToken);
            using var body = await ReadJsonAsync(response, cancellationToken);
            return new Reply([Interpret((int)response.StatusCode, body?.RootElement)], Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (IsNoAnswer(e, cancellationToken))
        {
            return new Reply([Answer.NoAnswer(e.Message)], Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>One answer per form, in order. If the batch as a whole fails, every form gets that failure.</summary>
    public async Task<Reply> SubmitBatchAsync(IReadOnlyList<ResultForm> forms, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var (json, token) = (FormJsonWriter.Batch(forms), officers?.For(forms));
            using var response = await throttle.SendAsync(http, () =>
            {
                started = Stopwatch.GetTimestamp();
                return Request("api/v1/results/batch", json, token);
            }, ThrottledArea.Writes, cancellationToken);
            using var body = await ReadJsonAsync(response, cancellationToken);
            return new Reply(BatchAnswers(forms.Count, (int)response.StatusCode, body?.RootElement), Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (IsNoAnswer(e, cancellationToken))
        {
            return new Reply([.. forms.Select(_ => Answer.NoAnswer(e.Message))], Stopwatch.GetElapsedTime(started));
        }
    }

    private static Answer[] BatchAnswers(int count, int status, JsonElement? body)
    {
        if (status != 200 || body is not { } root || root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("results", out var results))
            return [.. Enumerable.Range(0, count).Select(_ => Interpret(status, body))];
        var answers = new Answer[count];
        foreach (var item in results.EnumerateArray())
        {
            var index = item.GetProperty("index").GetInt32();
            if (index >= 0 && index < answers.Length)
                answers[index] = Interpret(item.GetProperty("status").GetInt32(), item.TryGetProperty("body", out var b) ? b : null);
        }
        for (var i = 0; i < answers.Length; i++) answers[i] ??= new Answer(0, null, "the batch answer has no result for this form");
        return answers;
    }

    private static HttpRequestMessage Request(string path, byte[] json, string? token)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (bytes.Length == 0) return null;
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Answer Interpret(int status, JsonElement? body)
    {
        if (body is not { ValueKind: JsonValueKind.Object } json) return new Answer(status, null, "no JSON body");
        if (status is 200 or 201)
        {
            try
            {
                var anomalies = json.TryGetProperty("anomalies", out var a) && a.ValueKind == JsonValueKind.Array
                    ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
                    : [];
                return new Answer(status, new AcceptanceBody(
                    json.GetProperty("tps").GetString()!, json.GetProperty("contest").GetString()!,
                    json.GetProperty("version").GetInt64(), json.GetProperty("acceptedAt").GetDateTimeOffset(), anomalies), null);
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                return new Answer(status, null, $"the acceptance body is not as API.md says: {e.Message}");
            }
        }
        var title = json.TryGetProperty("title", out var t) ? t.GetString() : null;
        var detail = json.TryGetProperty("detail", out var d) ? d.GetString() : null;
        return new Answer(status, null, string.Join(": ", new[] { title, detail }.Where(s => !string.IsNullOrEmpty(s))));
    }

    private static bool IsNoAnswer(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or IOException;
}
