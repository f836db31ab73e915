using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.Registry;
using KpuOrleans.Postgres;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KpuOrleans.Integration.Tests;

public partial class CertificationDurabilityTests
{
    private const int Correctors = 8;

    /// <summary>One correction sent: the version it built on was read at <paramref name="ReadAt"/>.</summary>
    private sealed record Attempt(ResultForm Form, HttpStatusCode Status, string? Title, DateTime ReadAt, DateTime SentAt, DateTime AnsweredAt);

    [Fact]
    public async Task A_certificate_issued_under_racing_corrections_holds_exactly_the_ledger_and_freezes_it()
    {
        await using var cluster = await StartClusterAsync();
        var district = SmallestDistrict();
        var stations = Jatim.Registry.TpsUnder(district.Code).ToList();
        await FillAsync(cluster, district.Code, seed: 3);

        var attempts = new ConcurrentQueue<Attempt>();
        using var stop = new CancellationTokenSource();
        var correcting = Task.WhenAll(Enumerable.Range(0, Correctors).Select(i =>
            Task.Run(() => CorrectAsync(cluster, stations, new Random(100 + i), attempts, stop.Token))));
        // Certify only once corrections are flowing, so that some are in flight when the district freezes.
        await Eventually.HoldsAsync(() => Task.FromResult((attempts.Count(a => a.Status == HttpStatusCode.Created) >= 30, $"{attempts.Count} sent")),
            TimeSpan.FromSeconds(60), "corrections are being accepted");
        var certifying = DateTime.UtcNow;
        var certificate = await ExpectAsync(HttpStatusCode.Created, CertifyAsync(cluster, district.Code, Ppk(district.Code)));
        var certified = DateTime.UtcNow;
        await Eventually.HoldsAsync(() => Task.FromResult((attempts.Count(a => a.ReadAt > certified) >= 40, $"{attempts.Count(a => a.ReadAt > certified)}")),
            TimeSpan.FromSeconds(60), "corrections sent after the certificate");
        await stop.CancelAsync();
        await correcting;

        var all = attempts.ToList();
        var accepted = all.Where(a => a.Status == HttpStatusCode.Created).ToList();
        output.WriteLine($"{all.Count} corrections: {accepted.Count(a => a.AnsweredAt < certifying)} accepted before the certification was asked, " +
            $"{accepted.Count(a => a.AnsweredAt >= certifying)} accepted while it ran, " +
            $"{all.Count(a => a.Title == "Certified")} refused as certified ({all.Count(a => a.Title == "Certified" && a.SentAt < certified)} of them while it ran), " +
            $"{all.Count(a => a.Title == "Version conflict")} version conflicts ({all.Count(a => a.Title == "Version conflict" && a.SentAt > certified)} sent after it)");
        Assert.All(all, a => Assert.True(a.Status == HttpStatusCode.Created || a.Title is "Certified" or "Version conflict",
            $"{a.Form.Tps} v{a.Form.Version}: {(int)a.Status} {a.Title}"));
        // Every correction built on a version read after the certificate is refused as certified; none sent after it is taken.
        Assert.All(all.Where(a => a.ReadAt > certified), a => Assert.Equal("Certified", a.Title));
        Assert.DoesNotContain(all, a => a.SentAt > certified && a.Status == HttpStatusCode.Created);

        // The ledger: every accepted correction is there, nothing else is, and nothing was accepted after the certificate.
        await using var database = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var ledger = new PostgresLedger(database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
        var latest = await ledger.ReadLatestUnderAsync(district.Code);
        foreach (var tps in stations)
        {
            var ours = accepted.Where(a => a.Form.Tps == tps.Code).Select(a => a.Form).ToList();
            var rows = await ledger.ReadTpsAsync(tps.Code);
            Assert.All(ours, form => Assert.Contains(rows, r => r.Form.Version == form.Version && r.Form.SameContent(form)));
            Assert.Equal(ours.Count + 1, rows.Count(r => r.Form.Contest == Contest));
        }
        var certifiedAt = certificate.GetProperty("certifiedAt").GetDateTime();
        Assert.All(latest, row => Assert.True(row.AcceptedAt.UtcDateTime <= certifiedAt, $"{row.Form.Tps} v{row.Form.Version} accepted {row.AcceptedAt:O}, certified {certifiedAt:O}"));

        // The certificate is the ledger's tally, recomputed from scratch, and its digest the one those forms give.
        var recount = new Recount(Jatim.Registry, latest);
        Assert.Equal(recount.ExpectedDigest(Contest, district.Code), certificate.GetProperty("digest").GetString());
        AssertTally(recount.Expected(Contest, district.Code), certificate.GetProperty("tally"));
        var now = await TallyAsync(cluster, district.Code);
        Assert.Equal(certificate.GetProperty("digest").GetString(), now.GetProperty("digest").GetString());
        Assert.Equal(certificate.GetProperty("digest").GetString(), now.GetProperty("certified").GetProperty("digest").GetString());
    }

    /// <summary>
    /// A PPS correcting the TPS of its district over and over: read the current version, send the next with a reason;
    /// on a version conflict (another corrector was first) read again and resend.
    /// </summary>
    private static async Task CorrectAsync(LocalCluster cluster, IReadOnlyList<RegionInfo> stations, Random random, ConcurrentQueue<Attempt> attempts,
        CancellationToken stop)
    {
        var contest = Jatim.Registry.FindContest(Contest)!;
        while (!stop.IsCancellationRequested)
        {
            var tps = stations[random.Next(stations.Count)];
            while (true)
            {
                var readAt = DateTime.UtcNow;
                var history = await ExpectAsync(HttpStatusCode.OK, SendAsync(cluster, HttpMethod.Get, $"/api/v1/tps/{tps.Code}/results/{Contest}", null));
                var next = history.GetProperty("current").GetProperty("version").GetInt64() + 1;
                var form = SampleForms.Valid(tps, contest, random, next, $"PPS recount of {tps.Code}, version {next}");
                var sentAt = DateTime.UtcNow;
                var answer = await PostFormAsync(cluster, form);
                attempts.Enqueue(new Attempt(form, answer.Status, answer.Text("title"), readAt, sentAt, DateTime.UtcNow));
                if (answer.Text("title") != "Version conflict") break;
            }
        }
    }

    private static void AssertTally(Tally expected, JsonElement tally)
    {
        var contest = Jatim.Registry.FindContest(Contest)!;
        Assert.Equal(expected.Version, tally.GetProperty("version").GetInt64());
        Assert.Equal(expected.Valid, tally.GetProperty("valid").GetInt64());
        Assert.Equal(expected.Invalid, tally.GetProperty("invalid").GetInt64());
        Assert.Equal(expected.Voted, tally.GetProperty("voted").GetInt64());
        Assert.Equal(expected.RegisteredReported, tally.GetProperty("registeredReported").GetInt64());
        Assert.Equal(expected.TpsReported, tally.GetProperty("tpsReported").GetInt32());
        Assert.Equal(expected.Anomalies, tally.GetProperty("anomalies").GetInt32());
        Assert.Equal(expected.Votes, contest.Candidates.Select(c => tally.GetProperty("votes").GetProperty(c.Number).GetInt64()));
    }
}
