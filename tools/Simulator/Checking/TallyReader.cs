using System.Text.Json;
using KpuOrleans.Simulator.Throttling;

namespace KpuOrleans.Simulator.Checking;

/// <summary>Where the checker reads the server's tallies from.</summary>
internal interface ITallyReader
{
    /// <returns>The tally, or why it could not be read.</returns>
    Task<(ObservedTally? Tally, string? Problem)> ReadAsync(TallyTarget target, CancellationToken cancellationToken);
}

/// <summary>
/// Reads tallies as the public does: <c>GET /api/v1/tally/{contest}/{code}</c>. A 429 (this address over its read
/// limit) is waited out and asked again: it says nothing about the tally.
/// </summary>
internal sealed class ApiTallyReader(HttpClient http, Throttle throttle) : ITallyReader
{
    public async Task<(ObservedTally? Tally, string? Problem)> ReadAsync(TallyTarget target, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await throttle.SendAsync(http,
                () => new HttpRequestMessage(HttpMethod.Get, $"api/v1/tally/{target.Contest.Id}/{target.Region.Code}"), ThrottledArea.Reads, cancellationToken);
            if (!response.IsSuccessStatusCode) return (null, $"GET answered {(int)response.StatusCode}");
            using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
            return (Parse(body.RootElement), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException
                                   && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"could not read the tally: {e.Message}");
        }
    }

    /// <summary>API.md's tally object (also what the hub's <c>tally</c> messages carry).</summary>
    public static ObservedTally Parse(JsonElement tally)
    {
        var votes = tally.GetProperty("votes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
        var figures = new TallyFigures(votes,
            tally.GetProperty("valid").GetInt64(), tally.GetProperty("invalid").GetInt64(), tally.GetProperty("voted").GetInt64(),
            tally.GetProperty("registeredReported").GetInt64(), tally.GetProperty("tpsReported").GetInt32(),
            tally.GetProperty("anomalies").GetInt32(), tally.GetProperty("version").GetInt64(),
            tally.TryGetProperty("photoMissing", out var missing) && missing.ValueKind == JsonValueKind.Number ? missing.GetInt32() : null,
            tally.TryGetProperty("disputesOpen", out var open) && open.ValueKind == JsonValueKind.Number ? open.GetInt32() : null);
        return new ObservedTally(figures, tally.GetProperty("registered").GetInt64(), tally.GetProperty("tpsExpected").GetInt32());
    }
}
