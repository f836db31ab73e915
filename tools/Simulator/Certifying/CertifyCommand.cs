using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Tokens;

namespace KpuOrleans.Simulator.Certifying;

/// <summary>
/// <c>simulator certify [--target URL] [--regions CODES] [--token-key BASE64] [--data FOLDER]</c>: the recap of the night, bottom up.
/// Every district of the slice is certified by its PPK, then every regency by its KPU, then each province the slice
/// holds whole by its KPU Provinsi, in every contest that covers them (the nation, root 0, is no race's scope and
/// certifies nothing; DI Yogyakarta's province has no race of its own); with a key each officer signs with their own token.
/// </summary>
public sealed class CertifyCommand(HttpClient http, RegionRegistry registry, OfficerTokens? officers, TextWriter output)
{
    /// <summary>Certifications in flight: a district's freezes its TPS, so a few at a time keep the cluster answering forms.</summary>
    private const int Parallelism = 8;

    private int _certified;
    private readonly List<string> _refused = [];

    public async Task<int> RunAsync(IReadOnlyList<RegionInfo> slice, CancellationToken cancellationToken)
    {
        var tiers = new[] { Level.District, Level.Regency, Level.Province };
        foreach (var level in tiers)
        {
            var regions = Tier(slice, level);
            var targets = regions.SelectMany(region => region.Contests.Select(contest => (Region: region, Contest: contest.Id))).ToList();
            if (targets.Count == 0) continue;
            await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (target, token) => await CertifyAsync(target.Region, target.Contest, token));
            output.WriteLine($"{level.ToApiName()}: {targets.Count:N0} certifications ({regions.Count:N0} regions), {_refused.Count:N0} refused so far");
            if (_refused.Count > 0) break; // bottom up: the tier above would only be refused for what is missing here
        }
        foreach (var refusal in _refused.Take(20)) output.WriteLine($"refused: {refusal}");
        output.WriteLine(_refused.Count == 0
            ? $"Result: PASSED, {_certified:N0} certificates in force"
            : $"Result: FAILED, {_refused.Count:N0} certifications refused");
        return _refused.Count == 0 ? 0 : 1;
    }

    /// <summary>The regions of one tier inside the slice; the province only when the slice is the whole of it.</summary>
    private List<RegionInfo> Tier(IReadOnlyList<RegionInfo> slice, Level level)
    {
        var found = new List<RegionInfo>();
        foreach (var top in slice)
        {
            var stack = new Stack<RegionInfo>([top]);
            while (stack.TryPop(out var region))
            {
                if (region.Level == level) found.Add(region);
                else if (region.Level < level) foreach (var child in region.Children) stack.Push(registry.Get(child));
            }
        }
        return found;
    }

    private async Task CertifyAsync(RegionInfo region, string contest, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/certify/{contest}/{region.Code}");
        if (officers is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", officers.ForOffice(region.Code));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
        {
            Interlocked.Increment(ref _certified);
            return;
        }
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = body.Length > 0 && body[0] == '{' && JsonDocument.Parse(body).RootElement.TryGetProperty("detail", out var d) ? d.GetString() : body;
        lock (_refused) _refused.Add($"{contest} {region.Code}: {(int)response.StatusCode} {detail}");
    }
}
