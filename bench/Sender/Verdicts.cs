using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Bench.Sender;

/// <summary>
/// The answers judged once the clock has stopped, as the simulator's sender judges them: every first form must be
/// answered 201 with a body naming it; anything else is an error (the first few bodies kept to print). The accepted
/// forms, with the anomalies the server flagged, are what the recount sums.
/// </summary>
internal sealed class Verdicts
{
    private const int MaxSamples = 5;

    public Dictionary<string, long> FormAnswers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> RequestAnswers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);
    public List<string> ErrorSamples { get; } = [];
    public List<Acceptance> Accepted { get; } = [];

    /// <summary>Round trips of the requests answered 2xx, in milliseconds, sorted.</summary>
    public double[] LatencyMs { get; private set; } = [];

    public long ErrorCount => Errors.Values.Sum();

    public static Verdicts Judge(FloodRequests flood, LoadResult load)
    {
        var verdicts = new Verdicts();
        var latencies = new List<double>(load.Answers.Length);
        for (var i = 0; i < load.Answers.Length; i++)
        {
            var (request, answer) = (flood.Requests[i], load.Answers[i]);
            Count(verdicts.RequestAnswers, Label(answer.Status));
            if (answer.Status is >= 200 and < 300) latencies.Add(load.RoundTripTicks[i] * 1000.0 / Stopwatch.Frequency);
            var forms = Enumerable.Range(request.First, request.Count).Select(f => flood.Forms[f]).ToList();
            if (!flood.Batched) verdicts.One(forms[0], answer.Status, answer.Body);
            else verdicts.Batch(forms, answer);
        }
        latencies.Sort();
        verdicts.LatencyMs = [.. latencies];
        return verdicts;
    }

    private void Batch(List<ResultForm> forms, WireAnswer answer)
    {
        JsonElement[]? items = null;
        if (answer.Status == 200)
        {
            try
            {
                using var document = JsonDocument.Parse(answer.Body);
                items = new JsonElement[forms.Count];
                foreach (var item in document.RootElement.GetProperty("results").EnumerateArray())
                {
                    var index = item.GetProperty("index").GetInt32();
                    if (index >= 0 && index < items.Length) items[index] = item.Clone();
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                items = null;
            }
        }
        for (var i = 0; i < forms.Count; i++)
        {
            if (items is null) One(forms[i], answer.Status == 200 ? -1 : answer.Status, answer.Body);
            else if (items[i].ValueKind != JsonValueKind.Object) One(forms[i], -1, Encoding.UTF8.GetBytes("the batch answer has no result for this form"));
            else One(forms[i], items[i].GetProperty("status").GetInt32(), items[i].TryGetProperty("body", out var body) ? Encoding.UTF8.GetBytes(body.GetRawText()) : []);
        }
    }

    /// <param name="status">-1: the answer could not be read.</param>
    private void One(ResultForm form, int status, byte[] body)
    {
        Count(FormAnswers, Label(status));
        var what = $"{form.Tps} {form.Contest} v{form.Version}";
        if (status != 201)
        {
            Error(Label(status), $"{Label(status)} for {what}: {Shorten(body)}");
            return;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var json = document.RootElement;
            if (json.GetProperty("tps").GetString() != form.Tps || json.GetProperty("contest").GetString() != form.Contest ||
                json.GetProperty("version").GetInt64() != form.Version)
            {
                Error("wrong body", $"201 for {what} names another form: {Shorten(body)}");
                return;
            }
            var anomalies = json.TryGetProperty("anomalies", out var a) && a.ValueKind == JsonValueKind.Array
                ? a.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
                : [];
            Accepted.Add(new Acceptance(form, json.GetProperty("acceptedAt").GetDateTimeOffset(), anomalies, DateTime.UtcNow));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            Error("wrong body", $"201 for {what}, a body not as API.md says ({e.Message}): {Shorten(body)}");
        }
    }

    private void Error(string label, string sample)
    {
        Count(Errors, label);
        if (ErrorSamples.Count < MaxSamples) ErrorSamples.Add(sample);
    }

    private static void Count(Dictionary<string, long> counts, string label) => counts[label] = counts.GetValueOrDefault(label) + 1;

    private static string Label(int status) => status switch
    {
        0 => "no answer",
        -1 => "unreadable answer",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };

    private static string Shorten(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 400));
        return body.Length > 400 ? text + "…" : text;
    }
}
