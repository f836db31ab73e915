using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>
/// Officers submitting over HTTP as real clients do: first forms, retries of what was acknowledged, corrections, and
/// — when a request fails or gets no answer — the same form again until it is acknowledged.
/// </summary>
public sealed class ElectionLoad(HttpClient http, Uri gateway, RegionRegistry registry, IEnumerable<string> slice, int seed, OfficerTokens? officers = null)
{
    private readonly List<(RegionInfo Tps, Contest Contest)> _keys =
        [.. slice.SelectMany(registry.TpsUnder).SelectMany(t => t.Contests.Select(c => (t, c)))];
    private readonly ConcurrentDictionary<(string, string), Officer> _officers = new();

    /// <summary>Every request sent, its status (0: no answer), when it was sent and when its answer (or failure) came.</summary>
    public ConcurrentQueue<(ResultForm Form, int Status, DateTime At, DateTime Answered)> Sent { get; } = new();

    public IEnumerable<ResultForm> Acknowledged => Sent.Where(s => s.Status is 200 or 201).Select(s => s.Form);

    public async Task RunAsync(TimeSpan duration, int concurrency, CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => LoopAsync(new Random(seed * 1000 + i), stop.Token))));
    }

    private async Task LoopAsync(Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var (tps, contest) = _keys[random.Next(_keys.Count)];
            var officer = _officers.GetOrAdd((tps.Code, contest.Id), _ => new Officer());
            if (Interlocked.Exchange(ref officer.Busy, 1) == 1) continue;
            try
            {
                var form = officer.Pending ?? Next(officer, tps, contest, random);
                officer.Pending = form;
                var at = DateTime.UtcNow;
                var status = await PostAsync(form);
                Sent.Enqueue((form, status, at, DateTime.UtcNow));
                if (status is 200 or 201)
                {
                    officer.Acknowledged = form;
                    officer.Pending = null;
                }
            }
            finally
            {
                Volatile.Write(ref officer.Busy, 0);
            }
        }
    }

    private const int MaxCorrections = 10;

    private static ResultForm Next(Officer officer, RegionInfo tps, Contest contest, Random random) => officer.Acknowledged switch
    {
        null => SampleForms.Valid(tps, contest, random),
        { } last when random.NextDouble() < 0.5 => last, // a plain retry of what was acknowledged
        // Corrections stop under the default limit of 10 per TPS and contest (API.md, "Limits"), which a 429 would show.
        { } last when last.Version > MaxCorrections => last,
        { } last => SampleForms.Correction(last, tps, contest, random),
    };

    private async Task<int> PostAsync(ResultForm form)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/api/v1/results")) { Content = JsonContent.Create(ApiJson.Form(form)) };
            if (officers is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", officers.For(form));
            using var response = await http.SendAsync(request);
            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private sealed class Officer
    {
        public int Busy;
        public ResultForm? Acknowledged;
        public ResultForm? Pending;
    }
}
