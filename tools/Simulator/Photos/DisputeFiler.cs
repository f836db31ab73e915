using System.Net.Http.Headers;
using System.Text.Json;
using KpuOrleans.Simulator.Forms;
using KpuOrleans.Simulator.Throttling;

namespace KpuOrleans.Simulator.Photos;

/// <summary>
/// Files a citizen's "numbers differ from the photo" report, <c>POST /api/v1/disputes</c>, anonymous. Each comes as
/// from its own citizen: <c>X-Forwarded-For</c> names a private address drawn for the TPS and race, which a gateway
/// believes only from loopback or its trusted proxies (so in a rehearsal, not across the internet, where the
/// per-address limit holds a run's reports back as it would hold back one citizen's).
/// </summary>
internal sealed class DisputeFiler(HttpClient http, Throttle throttle)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <returns>The status (0: no answer) and, when not 201 or 200, what the gateway said.</returns>
    public async Task<(int Status, string? Detail)> FileAsync(string tps, string contest, DisputeReport report, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { tps, contest, field = report.Field, note = report.Note });
        var citizen = CitizenAddress(tps, contest);
        try
        {
            using var response = await throttle.SendAsync(http, () =>
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = Json;
                var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/disputes") { Content = content };
                request.Headers.TryAddWithoutValidation("X-Forwarded-For", citizen);
                return request;
            }, ThrottledArea.Writes, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is 200 or 201) return (status, null);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return (status, text[..Math.Min(text.Length, 300)]);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or IOException)
        {
            return (0, e.Message);
        }
    }

    /// <summary>An address in 10.0.0.0/8, the same for the same TPS and race.</summary>
    public static string CitizenAddress(string tps, string contest)
    {
        var hash = SeededRandom.StableHash(0, "citizen", tps, contest);
        return $"10.{hash & 0xFF}.{(hash >> 8) & 0xFF}.{1 + (hash >> 16) % 254}";
    }
}
