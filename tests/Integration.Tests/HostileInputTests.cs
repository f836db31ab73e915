using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.Integration.Tests.Hostile;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.TestKit;
using Npgsql;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// Issue 7's fuzzing requirement: at least 10,000 hostile requests (structured mutations of accepted forms, bad tokens,
/// raw garbage, oversized bodies, hostile reads, hostile photos) against a real gateway over real silos and PostgreSQL. Afterwards no
/// answer was a 5xx or missing, every process still runs, and the ledger and every tally are exactly as before.
/// </summary>
[Collection(CrashCollection.Name)]
public class HostileInputTests(ITestOutputHelper output)
{
    private const string Regency = "35.79"; // Kota Batu: small, covered by PGUB-35 and PWAL-35.79
    private const int Requests = 10_000;
    private const int InFlight = 24;

    /// <summary>Fixed so that a failure reproduces; KPU_HOSTILE_SEED explores others.</summary>
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("KPU_HOSTILE_SEED"), out var seed) ? seed : 20_241_127;

    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_answers_below_500_and_change_nothing()
    {
        await using var cluster = new LocalCluster(CrashCollection.Postgres, silos: 1);
        await cluster.CreateDatabaseAsync();
        await cluster.StartAsync();
        var accepted = await SubmitAsync(cluster);
        // Tallies settle asynchronously: the snapshot is taken once every one of them equals the ledger's recount.
        await ClusterExactness.AssertAsync(cluster, accepted, [Regency], output);
        var before = await SnapshotAsync(cluster, accepted);
        output.WriteLine($"before: {before.Ledger.Count} ledger rows, {before.Reads.Count} reads; seed {Seed}");

        var clock = Stopwatch.StartNew();
        var generator = new HostileRequests(accepted, Jatim.Registry, cluster.Officers, LocalCluster.SigningKey, Seed);
        var answers = await FuzzAsync(cluster.GatewayAddress, generator);
        output.WriteLine($"{answers.Count:N0} hostile requests in {clock.Elapsed.TotalSeconds:N1} s, {InFlight} in flight, seed {Seed}");
        Print(answers);

        var offending = answers.Where(a => a.Offence is not null).OrderBy(a => a.Request.Index).ToList();
        foreach (var group in offending.GroupBy(a => $"{a.Request.Category}/{a.Request.Kind} → {a.Offence}").OrderByDescending(g => g.Count()))
            output.WriteLine($"  OFFENDING {group.Count(),5:N0} × {group.Key}, e.g. {Cut(group.First().Request.ToString(), 260)}");
        var after = await SnapshotAsync(cluster, accepted);
        var changed = Differences(before, after);
        output.WriteLine(changed.Count == 0 ? "after: ledger and every read exactly as before" : $"after: {changed.Count} differences");

        // Everything wrong is gathered first, so that one run shows all of it.
        var failures = new List<string>();
        failures.AddRange(await DeadProcessesAsync(cluster));
        failures.AddRange(await StoredRefusedPhotosAsync(cluster, answers));
        if (changed.Count > 0) failures.Add($"the state changed:\n{string.Join("\n", changed.Take(6))}");
        if (offending.Count > 0)
        {
            failures.Add($"{offending.Count} hostile requests were answered badly:\n"
                + string.Join("\n", offending.Take(8).Select(a => $"{a.Offence}: {a.Request}\n    → {Cut(a.Body, 400)}")) + GatewayLog());
        }
        failures.AddRange(CategoryGaps(answers));
        Assert.True(failures.Count == 0, $"seed {Seed}:\n{string.Join("\n\n", failures)}");
    }

    private static async Task<List<string>> DeadProcessesAsync(LocalCluster cluster)
    {
        var dead = cluster.Silos.Where(s => s.ExitCode is not null).Select(s => $"{s.Name} exited with {s.ExitCode}; see {s.LogPath}").ToList();
        // LocalCluster does not hand out its gateway processes, but nothing restarts one: if it is ready, it never died.
        foreach (var probe in cluster.Silos.Select(cluster.HttpOf).Append(cluster.GatewayAddress))
        {
            try
            {
                using var ready = await cluster.Http.GetAsync(new Uri(probe, "/health/ready"));
                if (ready.StatusCode != HttpStatusCode.OK) dead.Add($"{probe} is not ready: {await ready.Content.ReadAsStringAsync()}");
            }
            catch (HttpRequestException e)
            {
                dead.Add($"{probe} does not answer: {e.Message}");
            }
        }
        return dead;
    }

    /// <summary>First forms for every other TPS of the regency in both contests, each from its KPPS; then corrections of both contests of some TPS, from their PPS.</summary>
    private async Task<List<ResultForm>> SubmitAsync(LocalCluster cluster)
    {
        var random = new Random(Seed);
        var stations = Jatim.Registry.TpsUnder(Regency).Where((_, i) => i % 2 == 0).ToList();
        var firsts = stations.SelectMany(t => t.Contests.Select(c => SampleForms.Valid(t, c, random))).ToList();
        // Both contests of a TPS are corrected together, so a hostile form switched to the other contest meets the same version.
        var corrections = stations.Where((_, i) => i % 15 == 0)
            .SelectMany(t => t.Contests.Select(c => SampleForms.Correction(firsts.Single(f => f.Tps == t.Code && f.Contest == c.Id), t, c, random)))
            .ToList();
        foreach (var wave in new[] { firsts, corrections })
        {
            await Parallel.ForEachAsync(wave, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (form, _) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.GatewayAddress, HostileRequests.Results))
                {
                    Content = JsonContent.Create(ApiJson.Form(form)),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Officers.For(form));
                using var response = await cluster.Http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Created,
                    $"{form.Tps} {form.Contest} v{form.Version}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            });
        }
        output.WriteLine($"{firsts.Count} first forms and {corrections.Count} corrections accepted for {stations.Count} TPS of {Regency}");
        return [.. firsts, .. corrections];
    }

    // ---- the fuzzing ----

    /// <summary>What came back for one hostile request; <see cref="Offence"/> says what is wrong with it, if anything.</summary>
    private sealed record Answer(HostileRequest Request, int Status, string Body, int[] Items, string? Error)
    {
        public string? Offence =>
            Error is not null ? $"no answer ({Error})"
            : Status >= 500 ? $"status {Status}"
            : Items.FirstOrDefault(s => s >= 500) is > 0 and var item ? $"batch item status {item}"
            : Status >= 400 && (Body.Contains("Exception", StringComparison.Ordinal) || Body.Contains("   at ", StringComparison.Ordinal))
                ? $"status {Status} leaks internals"
                : null;
    }

    private static async Task<List<Answer>> FuzzAsync(Uri gateway, HostileRequests generator)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = InFlight,
            AllowAutoRedirect = false,
            UseCookies = false,
            // Lets a header carry non-ASCII bytes, as a hostile client's would.
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        var answers = new ConcurrentBag<Answer>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Requests), new ParallelOptions { MaxDegreeOfParallelism = InFlight },
            async (index, _) => answers.Add(await SendAsync(http, gateway, generator.Create(index))));
        return [.. answers];
    }

    private static async Task<Answer> SendAsync(HttpClient http, Uri gateway, HostileRequest hostile)
    {
        using var request = new HttpRequestMessage(hostile.Method, new Uri(gateway.GetLeftPart(UriPartial.Authority) + hostile.Path, Verbatim));
        if (hostile.Body is { } body)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = null;
            if (hostile.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            if (hostile.Chunked) request.Headers.TransferEncodingChunked = true;
        }
        if (hostile.Authorization is { } authorization) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (hostile.IfNoneMatch is { } tag) request.Headers.TryAddWithoutValidation("If-None-Match", tag);
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return new Answer(hostile, (int)response.StatusCode, text, BatchItems(hostile, response.StatusCode, text), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Answer(hostile, 0, "", [], $"{e.GetType().Name}: {e.Message} {e.InnerException?.Message}");
        }
    }

    /// <summary>A batch answers 200 with a status per form: a 5xx hidden in there counts as much as one outside.</summary>
    private static int[] BatchItems(HostileRequest request, HttpStatusCode status, string body)
    {
        if (request.Path != HostileRequests.Batch || status != HttpStatusCode.OK) return [];
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetInt32())];
    }

    private void Print(List<Answer> answers)
    {
        static string Counts(IEnumerable<int> statuses) =>
            string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key)}: {g.Count():N0}"));
        output.WriteLine($"by status: {Counts(answers.Select(a => a.Status))}");
        foreach (var category in answers.GroupBy(a => a.Request.Category).OrderBy(g => g.Key))
            output.WriteLine($"  {category.Key,-10} {category.Count(),6:N0}: {Counts(category.Select(a => a.Status))}");
        output.WriteLine($"  batch items {answers.Sum(a => a.Items.Length),6:N0}: {Counts(answers.SelectMany(a => a.Items))}");
    }

    /// <summary>Each kind of hostility met the rejection it is there to provoke, so the fuzzer cannot pass by sending nothing meaningful.</summary>
    private static IEnumerable<string> CategoryGaps(List<Answer> answers)
    {
        var expected = new Dictionary<string, int[]>
        {
            ["mutation"] = [400, 403, 409, 422],
            ["token"] = [401, 403],
            ["correction"] = [200, 403, 409],
            ["garbage"] = [200, 400, 413],
            ["batch"] = [200, 400, 422],
            ["read"] = [200, 304, 400, 404, 405],
            ["photo"] = [200, 201, 400, 401, 404, 405, 413, 415, 422],
        };
        foreach (var (category, statuses) in expected)
        {
            var seen = answers.Where(a => a.Request.Category == category).Select(a => a.Status).ToHashSet();
            if (statuses.Where(s => !seen.Contains(s)).ToList() is [_, ..] missing) yield return $"{category} never got {string.Join(", ", missing)}";
        }
        var items = answers.SelectMany(a => a.Items).ToHashSet();
        if (!new[] { 200, 400, 403, 409, 422 }.All(items.Contains)) yield return $"batch items got only {string.Join(", ", items.Order())}";
        foreach (var (kind, status) in new[] { ("over-8MiB", 413), ("over-8MiB-chunked", 413), ("over-1000", 422), ("exactly-1000", 200),
            ("photo-over-8MiB", 413), ("photo-over-8MiB-chunked", 413), ("bomb", 422), ("polyglot", 422), ("truncated", 422), ("wrong-magic", 415), ("hash", 422) })
        {
            if (!answers.Any(a => a.Request.Kind == kind && a.Status == status)) yield return $"no {kind} request got {status}";
        }
    }

    /// <summary>A photo refused (401, 413, 415, 422) is not stored: its name reads 404 unless another upload of it was taken.</summary>
    private static async Task<List<string>> StoredRefusedPhotosAsync(LocalCluster cluster, List<Answer> answers)
    {
        static string? NameOf(HostileRequest request) =>
            request.Path.StartsWith(HostileRequests.Photos, StringComparison.Ordinal) && request.Path[HostileRequests.Photos.Length..] is { Length: 64 } name
            && name.All(char.IsAsciiHexDigit) ? name : null;
        var puts = answers.Where(a => a.Request.Category == "photo" && a.Request.Method == HttpMethod.Put && NameOf(a.Request) is not null).ToList();
        var taken = puts.Where(a => a.Status is 200 or 201).Select(a => NameOf(a.Request)).ToHashSet();
        var refused = puts.Where(a => a.Status is 401 or 413 or 415 or 422).Select(a => NameOf(a.Request)!).Where(n => !taken.Contains(n)).Distinct().ToList();
        var stored = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(refused, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, _) =>
        {
            using var response = await cluster.Http.GetAsync(new Uri(cluster.GatewayAddress, HostileRequests.Photos + name));
            if (response.StatusCode != HttpStatusCode.NotFound) stored.Add($"{name}: {(int)response.StatusCode}");
        });
        return stored.IsEmpty ? [] : [$"{stored.Count} of {refused.Count} refused photos read as stored:\n{string.Join("\n", stored.Take(6))}"];
    }

    // ---- the state to protect ----

    /// <summary>Every ledger row, in full and in key order, and what the public reads of the regency, its TPS and the province.</summary>
    private sealed record Snapshot(IReadOnlyList<string> Ledger, IReadOnlyDictionary<string, string> Reads);

    private static async Task<Snapshot> SnapshotAsync(LocalCluster cluster, IReadOnlyList<ResultForm> accepted)
    {
        var ledger = new List<string>();
        await using (var database = NpgsqlDataSource.Create(cluster.ConnectionString))
        await using (var command = database.CreateCommand("SELECT row_to_json(l)::text FROM kpu_ledger l ORDER BY tps, contest, version"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) ledger.Add(reader.GetString(0));
        }

        var paths = Exactness.Nodes(Jatim.Registry, [Regency]).Select(n => $"/api/v1/tally/{n.Contest}/{n.Region}")
            .Concat(accepted.Select(f => $"/api/v1/tps/{f.Tps}/results/{f.Contest}").Distinct())
            .Concat(["/api/v1/anomalies?limit=500", "/api/v1/export/PGUB-35.csv", "/api/v1/export/PWAL-35.79.csv"]);
        var reads = new ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (path, _) =>
        {
            using var response = await cluster.Http.GetAsync(new Uri(cluster.GatewayAddress, path));
            reads[path] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        });
        return new Snapshot(ledger, reads);
    }

    /// <returns>One line per ledger row or read that differs; empty when everything is exactly as before.</returns>
    private static List<string> Differences(Snapshot before, Snapshot after)
    {
        var rows = before.Ledger.SequenceEqual(after.Ledger) ? [] : before.Ledger.Except(after.Ledger).Select(r => $"ledger row changed or gone: {r}")
            .Concat(after.Ledger.Except(before.Ledger).Select(r => $"ledger row new: {r}"))
            .Append($"ledger: {before.Ledger.Count} rows before, {after.Ledger.Count} after");
        var reads = before.Reads.Where(r => after.Reads.GetValueOrDefault(r.Key) != r.Value)
            .Select(r => $"GET {r.Key}\n    before: {Cut(r.Value, 300)}\n    after:  {Cut(after.Reads.GetValueOrDefault(r.Key) ?? "(not read)", 300)}");
        return [.. rows, .. reads];
    }

    private static string GatewayLog()
    {
        var path = Path.Combine(KpuProcess.LogFolder, "gateway-0.log");
        if (!File.Exists(path)) return "";
        var lines = File.ReadLines(path).Where(l => l.Contains("fail:") || l.Contains("crit:") || l.Contains("Exception")).Take(30);
        return $"\ngateway log ({path}):\n{string.Join("\n", lines)}";
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length] + "…";
}
