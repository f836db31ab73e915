using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KpuOrleans.Forms;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.Registry;
using KpuOrleans.Postgres;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// DESIGN.md invariant 4 after a lossy database failover: acknowledged rows vanish behind the cluster's back (as
/// when a standby that missed commits is promoted) and PostgreSQL restarts. Every tally, TPS to province, comes back
/// to what the ledger holds within a few reconciliation intervals, and a lost form sent again is accepted anew.
/// </summary>
[Collection(CrashCollection.Name)]
public class FailoverHealingTests(ITestOutputHelper output)
{
    private static PostgresServer Postgres => CrashCollection.Postgres;
    private static RegionRegistry Registry => Jatim.Registry;

    /// <summary>LocalCluster's <c>Reconciliation__Interval</c>.</summary>
    private static readonly TimeSpan Reconciliation = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Rows_lost_in_a_failover_heal_every_tally_to_the_ledger_and_a_lost_form_sent_again_is_accepted()
    {
        // Two villages in each of two districts of two regencies.
        string[] villages = [.. new[] { "35.79", "35.76" }
            .SelectMany(regency => Registry.Get(regency).Children.Take(2))
            .SelectMany(district => Registry.Get(district).Children.Take(2))];
        await using var cluster = new LocalCluster(Postgres, silos: 2);
        await cluster.CreateDatabaseAsync();
        await cluster.StartAsync();

        // Every TPS's form, and for every third (TPS, contest) a correction or two.
        var random = new Random(14);
        var latest = new Dictionary<(string Tps, string Contest), List<ResultForm>>();
        foreach (var tps in villages.SelectMany(Registry.TpsUnder))
        foreach (var contest in tps.Contests)
        {
            var forms = new List<ResultForm> { SampleForms.Valid(tps, contest, random) };
            if (latest.Count % 3 == 0) forms.Add(SampleForms.Correction(forms[^1], tps, contest, random));
            if (latest.Count % 6 == 0) forms.Add(SampleForms.Correction(forms[^1], tps, contest, random));
            latest[(tps.Code, contest.Id)] = forms;
        }
        await Parallel.ForEachAsync(latest.Values, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (forms, _) =>
        {
            foreach (var form in forms) Assert.Equal(201, await PostAsync(cluster, form));
        });
        var nodes = Exactness.Nodes(Registry, villages);
        await ConvergesAsync(cluster, nodes, TimeSpan.FromSeconds(60));
        output.WriteLine($"{latest.Values.Sum(f => f.Count)} forms accepted at {latest.Count} (TPS, contest); {nodes.Count} nodes exact");

        // The failover loses the newest version of some corrected forms and every row of some TPS, across villages
        // and districts; all of them were acknowledged 201.
        var lostTps = villages.Select(v => Registry.Get(v).Children[^1]).Where((_, i) => i % 2 == 1).ToList();
        var lostNewest = latest.Where(l => l.Value.Count > 1 && !lostTps.Contains(l.Key.Tps)).Where((_, i) => i % 4 == 0).Select(l => l.Value[^1]).ToList();
        await LoseAsync(cluster.ConnectionString, lostNewest, lostTps);
        var failover = Stopwatch.StartNew();
        await Postgres.RestartAsync();
        output.WriteLine($"lost {lostNewest.Count} newest versions and every row of {lostTps.Count} TPS ({string.Join(", ", lostTps)}); PostgreSQL restarted");

        // At once, before any reconciliation pass could have confirmed the damage, one lost form comes again: its TPS
        // saw the ledger come back and judges it against what the ledger holds now.
        var first = lostNewest[0];
        var status = 0;
        await Eventually.HoldsAsync(async () => ((status = await PostAsync(cluster, first)) is not (0 or 503), $"{status}"),
            TimeSpan.FromSeconds(30), "the gateway answers a form once PostgreSQL is back");
        Assert.True(status == 201, $"{first.Tps} {first.Contest} v{first.Version}, lost and sent again at once, was {status}, not 201");

        await ConvergesAsync(cluster, nodes, Reconciliation * 10);
        output.WriteLine($"every tally equals the ledger's recount {failover.Elapsed.TotalSeconds:N1} s after the failover (reconciliation every {Reconciliation.TotalSeconds:N0} s)");

        // The officers send what was lost again: it is not in the ledger, so it is accepted (201), not a retry (200).
        var resent = lostNewest.Skip(1).Concat(lostTps.SelectMany(tps => latest.Where(l => l.Key.Tps == tps).Select(l => l.Value[0]))).ToList();
        foreach (var form in resent)
            Assert.True(await PostAsync(cluster, form) == 201, $"{form.Tps} {form.Contest} v{form.Version} sent again was not 201");
        await ConvergesAsync(cluster, nodes, TimeSpan.FromSeconds(30));
        var (exitCode, verify) = await cluster.VerifyAsync();
        Assert.True(exitCode == 0, verify);
        output.WriteLine($"{resent.Count} lost forms sent again were accepted; every tally is exact and verify agrees");
    }

    [Fact]
    public async Task The_ledger_starts_a_new_generation_when_PostgreSQL_is_reached_again_after_a_restart()
    {
        await using var database = NpgsqlDataSource.Create(await Postgres.CreateDatabaseAsync());
        await Migrations.ApplyAsync(database, NullLogger.Instance);
        await using var ledger = new PostgresLedger(database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
        await ledger.ReadVersionSumsAsync();
        await ledger.ReadVersionSumsAsync();
        Assert.Equal(0, ledger.Generation);

        // The pooled connection died with the server: its first use fails, and the next connection starts generation 1.
        await Postgres.RestartAsync();
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await ledger.ReadVersionSumsAsync();
                return (ledger.Generation == 1, $"read in generation {ledger.Generation}");
            }
            catch (Exception e) when (e is Ledger.LedgerUnavailableException or NpgsqlException)
            {
                return (false, e.InnerException?.Message ?? e.Message);
            }
        }, TimeSpan.FromSeconds(30), "a read succeeds in generation 1");
        await ledger.ReadVersionSumsAsync();
        Assert.Equal(1, ledger.Generation);
    }

    /// <summary>
    /// What a promoted standby that missed the last commits holds: the rows deleted by the table's owner, with the
    /// append-only guard off for that one transaction.
    /// </summary>
    private static async Task LoseAsync(string connectionString, List<ResultForm> newest, List<string> tps)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var off = new NpgsqlCommand("ALTER TABLE kpu_ledger DISABLE TRIGGER kpu_ledger_append_only", connection, transaction))
            await off.ExecuteNonQueryAsync();
        await using var command = new NpgsqlCommand("""
            DELETE FROM kpu_ledger WHERE tps = ANY(@tps)
                OR (tps, contest, version) IN (SELECT * FROM unnest(@newestTps::text[], @newestContest::text[], @newestVersion::int[]))
            """, connection, transaction);
        command.Parameters.AddWithValue("tps", tps.ToArray());
        command.Parameters.AddWithValue("newestTps", newest.Select(f => f.Tps).ToArray());
        command.Parameters.AddWithValue("newestContest", newest.Select(f => f.Contest).ToArray());
        command.Parameters.AddWithValue("newestVersion", newest.Select(f => (int)f.Version).ToArray());
        var deleted = await command.ExecuteNonQueryAsync();
        await using (var on = new NpgsqlCommand("ALTER TABLE kpu_ledger ENABLE TRIGGER kpu_ledger_append_only", connection, transaction))
            await on.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        Assert.True(deleted > newest.Count + tps.Count, $"only {deleted} rows deleted");
    }

    private static async Task<int> PostAsync(LocalCluster cluster, ResultForm form)
    {
        try
        {
            return await SendAsync(cluster, form);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private static async Task<int> SendAsync(LocalCluster cluster, ResultForm form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.GatewayAddress, "/api/v1/results")) { Content = JsonContent.Create(ApiJson.Form(form)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cluster.Officers.For(form));
        using var response = await cluster.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>Every node, read through the public API, against a recount of what the ledger holds now.</summary>
    private static async Task ConvergesAsync(LocalCluster cluster, IReadOnlyList<(string Contest, string Region)> nodes, TimeSpan within)
    {
        await using var database = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var ledger = new PostgresLedger(database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
        var recount = new Recount(Registry, await ledger.ReadLatestUnderAsync(Registry.Root.Code));
        await Exactness.ConvergesAsync(nodes, recount,
            (contest, code) => ApiTallies.ReadAsync(cluster.Http, cluster.GatewayAddress, Registry, contest, code), within);
    }
}
