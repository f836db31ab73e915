using System.Text.Json;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>Reads tallies, digest included, the way the public does: GET /api/v1/tally/{contest}/{code}.</summary>
public static class ApiTallies
{
    public static async Task<TallySnapshot> ReadAsync(HttpClient http, Uri gateway, RegionRegistry registry, string contest, string code)
    {
        using var response = await http.GetAsync(new Uri(gateway, $"/api/v1/tally/{contest}/{code}"));
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var tally = body.RootElement;
        var race = registry.FindContest(contest)!;
        return new TallySnapshot(contest, code, new Tally(
            tally.GetProperty("version").GetInt64(),
            [.. race.Candidates.Select(c => tally.GetProperty("votes").GetProperty(c.Number).GetInt64())],
            tally.GetProperty("valid").GetInt64(),
            tally.GetProperty("invalid").GetInt64(),
            tally.GetProperty("voted").GetInt64(),
            tally.GetProperty("registeredReported").GetInt64(),
            tally.GetProperty("tpsReported").GetInt32(),
            tally.GetProperty("anomalies").GetInt32(),
            tally.GetProperty("photoMissing").GetInt32(),
            tally.GetProperty("disputesOpen").GetInt32()), null, tally.GetProperty("digest").GetString());
    }
}
