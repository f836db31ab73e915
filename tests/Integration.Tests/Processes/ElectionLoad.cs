using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KpuOrleans.Forms;
using KpuOrleans.Integration.Tests.Photos;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>
/// Officers submitting over HTTP as real clients do: first forms, retries of what was acknowledged, corrections, and
/// — when a request fails or gets no answer — the same form again until it is acknowledged. With
/// <paramref name="photoShare"/>, that share of the TPS cite a photo of their form, uploaded after the form is
/// acknowledged (numbers first, as on a bad network) until the upload is acknowledged, except for a third of them,
/// whose photo never comes.
/// </summary>
public sealed class ElectionLoad(HttpClient http, Uri gateway, RegionRegistry registry, IEnumerable<string> slice, int seed,
    OfficerTokens? officers = null, double photoShare = 0)
{
    private readonly ConcurrentDictionary<string, byte[]> _photos = new();
    private readonly ConcurrentQueue<(string Sha256, ResultForm Form)> _uploads = new();

    /// <summary>Photos acknowledged by the gateway (200 or 201).</summary>
    public ConcurrentDictionary<string, bool> PhotosStored { get; } = new();

    /// <summary>Pages cited by acknowledged forms that are never uploaded.</summary>
    public ConcurrentDictionary<string, bool> PhotosWithheld { get; } = new();

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
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => LoopAsync(new Random(seed * 1000 + i), stop.Token)))
            .Append(Task.Run(() => UploadLoopAsync(stop.Token))));
    }

    /// <summary>Uploads every photo still waiting, each until it is acknowledged (the cluster is left alone meanwhile).</summary>
    public async Task FinishUploadsAsync(TimeSpan within)
    {
        using var stop = new CancellationTokenSource(within);
        while (_uploads.TryDequeue(out var upload))
        {
            while (!await PutAsync(upload.Sha256, upload.Form))
            {
                stop.Token.ThrowIfCancellationRequested();
                await Task.Delay(200, stop.Token);
            }
        }
    }

    private async Task UploadLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!_uploads.TryDequeue(out var upload))
            {
                await Task.Delay(50, CancellationToken.None);
                continue;
            }
            if (!await PutAsync(upload.Sha256, upload.Form)) _uploads.Enqueue(upload);
        }
    }

    private async Task<bool> PutAsync(string sha256, ResultForm form)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(gateway, $"/api/v1/photos/{sha256}"))
            {
                Content = new ByteArrayContent(_photos[sha256]),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            if (officers is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", officers.For(form));
            using var response = await http.SendAsync(request);
            if ((int)response.StatusCode is not (200 or 201)) return false;
            PhotosStored[sha256] = true;
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The form with a photo of its own when its TPS is in the photo share (deterministic per TPS and version).</summary>
    private ResultForm WithPhoto(ResultForm form)
    {
        var draw = (uint)HashCode.Combine(seed, form.Tps, form.Contest) % 1000;
        if (draw >= photoShare * 1000) return form;
        var png = TestPng.Make(24, 16, seed: HashCode.Combine(seed, form.Tps, form.Contest, form.Version));
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png));
        _photos.TryAdd(sha256, png);
        return form with { Photos = [sha256] };
    }

    private void QueuePhotosOf(ResultForm form)
    {
        foreach (var page in form.Pages)
        {
            if (PhotosStored.ContainsKey(page) || PhotosWithheld.ContainsKey(page)) continue;
            if ((uint)HashCode.Combine(page) % 3 == 0) PhotosWithheld[page] = true;
            else _uploads.Enqueue((page, form));
        }
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
                var form = officer.Pending ?? WithPhoto(Next(officer, tps, contest, random));
                officer.Pending = form;
                var at = DateTime.UtcNow;
                var status = await PostAsync(form);
                Sent.Enqueue((form, status, at, DateTime.UtcNow));
                if (status is 200 or 201)
                {
                    officer.Acknowledged = form;
                    officer.Pending = null;
                    QueuePhotosOf(form);
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
