using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Postgres;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KpuOrleans.Integration.Tests;

/// <summary>The ledger and the schema on a real PostgreSQL.</summary>
public class LedgerTests : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;
    private PostgresLedger _ledger = null!;

    public async Task InitializeAsync()
    {
        _database = NpgsqlDataSource.Create(await PostgresServer.Shared.CreateDatabaseAsync());
        await Migrations.ApplyAsync(_database, NullLogger.Instance);
        _ledger = new PostgresLedger(_database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Migrations_apply_once_and_then_find_the_schema_current()
    {
        var again = await Migrations.ApplyAsync(_database, NullLogger.Instance);
        Assert.Empty(again);
        Assert.Equal(Migrations.All.Count, await ScalarAsync<long>("SELECT count(*) FROM kpu_schema_migrations"));
        foreach (var table in new[] { "kpu_ledger", "orleansquery", "kpu_orleans_membership", "kpu_orleans_membership_version", "kpu_orleans_grain_state" })
            Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM information_schema.tables WHERE table_name = '{table}'"));
    }

    [Fact]
    public async Task Migrations_applied_concurrently_by_several_silos_apply_once()
    {
        var fresh = NpgsqlDataSource.Create(await PostgresServer.Shared.CreateDatabaseAsync());
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Migrations.ApplyAsync(fresh, NullLogger.Instance)));
        Assert.Equal(Migrations.All.Count, runs.Sum(r => r.Count));
    }

    [Fact]
    public async Task Concurrent_retries_of_one_version_store_exactly_one_row()
    {
        var form = Form("35.78.01.1001.001");
        var attempts = Enumerable.Range(0, 50)
            .Select(i => new AcceptedForm(form, DateTimeOffset.UtcNow.AddMilliseconds(i), $"officer-{i}", []))
            .ToList();

        var results = await Task.WhenAll(attempts.Select(a => _ledger.AppendAsync(a)));

        var winner = Assert.Single(results, r => r.Appended);
        Assert.All(results, r => Assert.Equal(winner.Stored.SubmittedBy, r.Stored.SubmittedBy));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM kpu_ledger WHERE tps = '35.78.01.1001.001'"));
    }

    [Fact]
    public async Task Many_concurrent_forms_share_transactions_and_all_become_durable()
    {
        var forms = Jatim.Registry.TpsUnder("35.79").Take(2000)
            .Select(t => new AcceptedForm(Form(t.Code), DateTimeOffset.UtcNow, "burst", ["turnout-over-95pct"]))
            .ToList();

        var results = await Task.WhenAll(forms.Select(f => _ledger.AppendAsync(f)));

        Assert.All(results, r => Assert.True(r.Appended));
        Assert.Equal(forms.Count, await ScalarAsync<long>("SELECT count(*) FROM kpu_ledger"));
        // Group commit: far fewer transactions (xmin is the inserting transaction) than forms.
        var transactions = await ScalarAsync<long>("SELECT count(DISTINCT xmin::text) FROM kpu_ledger");
        Assert.True(transactions * 4 <= forms.Count, $"{transactions} transactions for {forms.Count} forms");
        var read = await _ledger.ReadTpsAsync(forms[7].Form.Tps);
        var stored = Assert.Single(read);
        Assert.True(stored.Form.SameContent(forms[7].Form));
        Assert.Equal(["turnout-over-95pct"], stored.Anomalies);
        Assert.Equal(forms[7].AcceptedAt.ToUnixTimeMilliseconds(), stored.AcceptedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Many_TPS_read_at_once_each_get_exactly_their_own_rows_in_version_order()
    {
        var tps = Jatim.Registry.TpsUnder("35.79").Take(600).ToList();
        var forms = tps.SelectMany((t, i) => Enumerable.Range(1, 1 + i % 3).Select(version =>
        {
            var form = Form(t.Code);
            return version == 1 ? form : form with { Version = version, Reason = "recount" };
        })).ToList();
        // Versions appended newest first: a read must put them in order itself.
        foreach (var form in forms.OrderByDescending(f => f.Version))
            Assert.True((await _ledger.AppendAsync(new AcceptedForm(form, DateTimeOffset.UtcNow, "t", []))).Appended);

        // Every TPS once, some twice, plus ones with no rows, all at the same moment: the reads share queries.
        var asked = tps.Select(t => t.Code).Concat(tps.Take(50).Select(t => t.Code)).Concat(["35.79.01.1001.999", "35.78.01.1001.001"]).ToList();
        var reads = await Task.WhenAll(asked.Select(code => _ledger.ReadTpsAsync(code)));

        for (var i = 0; i < asked.Count; i++)
        {
            var expected = forms.Where(f => f.Tps == asked[i]).Select(f => (f.Contest, f.Version)).OrderBy(f => f.Contest).ThenBy(f => f.Version);
            Assert.Equal(expected, reads[i].Select(r => (r.Form.Contest, r.Form.Version)));
        }
    }

    [Fact]
    public async Task Reads_return_the_latest_version_per_form_in_code_order()
    {
        var v1 = Form("35.79.01.1001.002");
        var v2 = v1 with { Version = 2, Reason = "PPS recount", Valid = v1.Valid, PhotoSha256 = new string('a', 64) };
        var other = Form("35.79.01.1001.001");
        foreach (var form in new[] { v1, v2, other }) await _ledger.AppendAsync(new AcceptedForm(form, DateTimeOffset.UtcNow, "t", []));

        var latest = await _ledger.ReadLatestUnderAsync("35.79.01.1001");
        Assert.Equal([("35.79.01.1001.001", 1L), ("35.79.01.1001.002", 2L)], latest.Select(l => (l.Form.Tps, l.Form.Version)).Order());
        Assert.Empty(await _ledger.ReadLatestUnderAsync("35.79.01.100"));

        var exported = await _ledger.ReadLatestAsync("PGUB-35").ToListAsync();
        Assert.Equal(["35.79.01.1001.001", "35.79.01.1001.002"], exported.Select(e => e.Form.Tps));
        Assert.Equal("PPS recount", exported[1].Form.Reason);

        var sums = await _ledger.ReadVersionSumsAsync();
        Assert.Equal(new VersionSum("PGUB-35", "35.79.01.1001", 3), Assert.Single(sums));
    }

    [Fact]
    public async Task The_ledger_refuses_updates_and_deletes()
    {
        await _ledger.AppendAsync(new AcceptedForm(Form("35.79.01.1001.003"), DateTimeOffset.UtcNow, "t", []));
        await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<long>("UPDATE kpu_ledger SET valid = 0 RETURNING 1"));
        await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<long>("DELETE FROM kpu_ledger RETURNING 1"));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM kpu_ledger"));
    }

    [Fact]
    public async Task Reads_below_a_region_take_whole_segments_only()
    {
        // 35.79.01.1001 and 35.79.01.1002 share the string "35.79.01.100"; 35.78 and 35.79 share "35.7".
        foreach (var tps in new[] { "35.79.01.1001.001", "35.79.01.1002.001", "35.78.01.1001.001" })
            await _ledger.AppendAsync(new AcceptedForm(Form(tps), DateTimeOffset.UtcNow, "t", ["turnout-high"]));

        Assert.Equal(["35.79.01.1001.001"], (await _ledger.ReadRecentAnomaliesAsync("35.79.01.1001", 10)).Select(a => a.Form.Tps));
        Assert.Equal(["35.79.01.1002.001", "35.79.01.1001.001"], (await _ledger.ReadRecentAnomaliesAsync("35.79", 10)).Select(a => a.Form.Tps));
        Assert.Equal(["35.79.01.1002.001"], (await _ledger.ReadRecentAnomaliesAsync("35.79", 1)).Select(a => a.Form.Tps));
        Assert.Equal(["35.79.01.1001.001", "35.79.01.1002.001"], (await _ledger.ReadLatestUnderAsync("35.79.01")).Select(a => a.Form.Tps).Order());
        foreach (var notBelow in new[] { "35.7", "35.79.01.100", "35.79.01.1001.001", "" })
        {
            Assert.Empty(await _ledger.ReadRecentAnomaliesAsync(notBelow, 10));
            Assert.Empty(await _ledger.ReadLatestUnderAsync(notBelow));
        }
    }

    [Fact]
    public async Task Reads_below_regions_gathered_into_one_query_each_get_their_own_rows_even_when_the_regions_nest()
    {
        var corrected = Form("35.79.01.1001.001");
        foreach (var form in new[] { corrected, corrected with { Version = 2, Reason = "PPS recount" }, Form("35.79.01.1002.001"), Form("35.78.01.1001.001") })
            await _ledger.AppendAsync(new AcceptedForm(form, DateTimeOffset.UtcNow, "t", []));

        // Asked together, as villages, districts and regencies activating in one burst ask: a district and its village
        // share rows, and each still gets the latest version of every form below it.
        string[] regions = ["35.79.01", "35.79.01.1001", "35.78", "35.79.02", "35.79", "35.79.01.1001"];
        var reads = await Task.WhenAll(regions.Select(r => _ledger.ReadLatestUnderAsync(r)));

        string[] Rows(int i) => [.. reads[i].Select(a => $"{a.Form.Tps} v{a.Form.Version}").Order()];
        Assert.Equal(["35.79.01.1001.001 v2", "35.79.01.1002.001 v1"], Rows(0));
        Assert.Equal(["35.79.01.1001.001 v2"], Rows(1));
        Assert.Equal(["35.78.01.1001.001 v1"], Rows(2));
        Assert.Empty(Rows(3));
        Assert.Equal(Rows(0), Rows(4));
        Assert.Equal(Rows(1), Rows(5));
    }

    private static ResultForm Form(string tps) =>
        SampleForms.Valid(Jatim.Registry.Get(tps), Jatim.Registry.FindContest("PGUB-35")!, new Random(tps.GetHashCode()));

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
