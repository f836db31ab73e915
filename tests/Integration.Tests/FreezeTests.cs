using KpuOrleans.Certification;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Postgres;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// The certification freeze on a real PostgreSQL (Sql/0005_freezes.sql): the database refuses a correction under a
/// freeze or a certificate in the correction's own transaction, a freeze waits for the corrections already under way,
/// and two certifications of one district (a duplicate grain activation) can never issue a certificate unguarded.
/// </summary>
public class FreezeTests : IAsyncLifetime
{
    private const string Contest = "PGUB-35";
    private const string District = "35.78.01";
    private const string Tps = "35.78.01.1001.001";
    private const string Neighbour = "35.78.01.1001.002";
    private const string Elsewhere = "35.79.01.1001.001";

    private NpgsqlDataSource _database = null!;
    private PostgresCertificateRegister _register = null!;

    public async Task InitializeAsync()
    {
        _database = NpgsqlDataSource.Create(await PostgresServer.Shared.CreateDatabaseAsync());
        await Migrations.ApplyAsync(_database, NullLogger.Instance);
        _register = new PostgresCertificateRegister(_database);
        await using var ledger = new PostgresLedger(_database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
        foreach (var tps in new[] { Tps, Elsewhere })
            Assert.True((await ledger.AppendAsync(new AcceptedForm(Form(tps), DateTimeOffset.UtcNow, "kpps", []))).Appended);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_correction_under_a_freeze_or_a_certificate_is_refused_by_the_database_and_a_first_form_never_is()
    {
        var freeze = await _register.FreezeAsync(Contest, District, "ppk");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => InsertCorrectionAsync(Tps, 2));
        Assert.Equal(LedgerRowRefusedException.FrozenSqlState, refused.SqlState);
        Assert.Contains(District, refused.MessageText);
        await InsertFirstAsync(Neighbour); // a first form in the frozen district
        await InsertCorrectionAsync(Elsewhere, 2); // a correction in another district
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT count(*) FROM kpu_ledger WHERE tps = '{Tps}' AND version = 2"));

        Assert.True(await _register.ReleaseAsync(freeze));
        await InsertCorrectionAsync(Tps, 2);

        // Issued under a new freeze, the certificate takes it over and keeps the district closed until it is withdrawn.
        var next = await _register.FreezeAsync(Contest, District, "ppk");
        Assert.NotEqual(freeze, next);
        Assert.Equal(IssueOutcome.Issued, await _register.IssueAsync(Certificate("ppk"), next));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM kpu_freezes WHERE released_at IS NULL"));
        Assert.Equal(LedgerRowRefusedException.FrozenSqlState, (await Assert.ThrowsAsync<PostgresException>(() => InsertCorrectionAsync(Tps, 3))).SqlState);
        Assert.True(await _register.WithdrawAsync(Contest, District, new Withdrawal("ppk", DateTimeOffset.UtcNow, "recount")));
        await InsertCorrectionAsync(Tps, 3);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM kpu_freezes"));
    }

    [Fact]
    public async Task A_freeze_waits_for_a_correction_past_its_check_and_a_correction_that_started_before_the_freeze_committed_sees_it()
    {
        // A correction that has passed its check but not committed: the freeze must wait for it.
        await using (var early = await _database.OpenConnectionAsync())
        {
            await using var transaction = await early.BeginTransactionAsync();
            await InsertCorrectionAsync(Tps, 2, early, transaction);
            var freezing = _register.FreezeAsync(Contest, District, "ppk");
            await WaitForFreezeLockAsync();
            Assert.False(freezing.IsCompleted, "the freeze was recorded while a correction of the district was still open");
            await transaction.CommitAsync();
            Assert.True(await _register.ReleaseAsync(await freezing));
        }
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM kpu_ledger WHERE tps = '{Tps}' AND version = 2"));

        // A correction whose statement starts while a freeze is being recorded, i.e. with a snapshot taken before the
        // freeze commits: it waits for the freeze and is then refused, not let through by its older snapshot.
        await using var freezer = await _database.OpenConnectionAsync();
        await using (var freeze = await freezer.BeginTransactionAsync())
        {
            await ExecuteAsync(freezer, freeze, $"SELECT kpu_district_lock('{Contest}', '{District}', true)");
            await ExecuteAsync(freezer, freeze, $"INSERT INTO kpu_freezes (contest, district, frozen_by, frozen_at) VALUES ('{Contest}', '{District}', 'ppk', now())");
            var late = InsertCorrectionAsync(Tps, 3);
            await WaitForFreezeLockAsync();
            Assert.False(late.IsCompleted, "a correction was checked while a freeze of its district was being recorded");
            await freeze.CommitAsync();
            Assert.Equal(LedgerRowRefusedException.FrozenSqlState, (await Assert.ThrowsAsync<PostgresException>(() => late)).SqlState);
        }
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT count(*) FROM kpu_ledger WHERE tps = '{Tps}' AND version = 3"));
    }

    [Fact]
    public async Task A_duplicate_certification_shares_the_freeze_and_neither_can_issue_a_certificate_the_other_left_unguarded()
    {
        // Two activations of the district's certification grain (a membership change): both freeze, one freeze.
        var first = await _register.FreezeAsync(Contest, District, "ppk-a");
        var second = await _register.FreezeAsync(Contest, District, "ppk-b");
        Assert.Equal(first, second);
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM kpu_freezes"));
        // The second finds forms missing and releases; a correction lands; the first, which read back before it, is refused.
        var readBack = Certificate("ppk-a");
        Assert.True(await _register.ReleaseAsync(second));
        await InsertCorrectionAsync(Tps, 2);
        Assert.Equal(IssueOutcome.FreezeLifted, await _register.IssueAsync(readBack, first));
        Assert.Empty(await _register.ReadInForceAsync([District]));
        Assert.False(await _register.ReleaseAsync(first));

        // The other order: the first issues (taking the freeze over); the second's late release opens nothing.
        var again = await _register.FreezeAsync(Contest, District, "ppk-a");
        Assert.Equal(again, await _register.FreezeAsync(Contest, District, "ppk-b"));
        Assert.Equal(IssueOutcome.Issued, await _register.IssueAsync(Certificate("ppk-a"), again));
        Assert.False(await _register.ReleaseAsync(again));
        Assert.Equal(LedgerRowRefusedException.FrozenSqlState, (await Assert.ThrowsAsync<PostgresException>(() => InsertCorrectionAsync(Tps, 3))).SqlState);
        // A third, stale activation that did not know of the certificate freezes anew and is told it is certified.
        var stale = await _register.FreezeAsync(Contest, District, "ppk-c");
        Assert.Equal(IssueOutcome.AlreadyCertified, await _register.IssueAsync(Certificate("ppk-c"), stale));
        Assert.True(await _register.ReleaseAsync(stale));
        Assert.Equal(LedgerRowRefusedException.FrozenSqlState, (await Assert.ThrowsAsync<PostgresException>(() => InsertCorrectionAsync(Tps, 3))).SqlState);
        Assert.Equal("ppk-a", Assert.Single(await _register.ReadInForceAsync([District])).CertifiedBy);
    }

    // ---- helpers ----

    private static ResultForm Form(string tps) =>
        SampleForms.Valid(Jatim.Registry.Get(tps), Jatim.Registry.FindContest(Contest)!, new Random(tps.GetHashCode()));

    /// <summary>A certificate's content does not matter here, only where and under which freeze it is issued.</summary>
    private static Certificate Certificate(string officer)
    {
        var contest = Jatim.Registry.FindContest(Contest)!;
        return new Certificate(new TallySnapshot(Contest, District, Tally.Zero(contest.Candidates.Count), DateTimeOffset.UtcNow, "digest"),
            officer, StoredTime.Microseconds(DateTimeOffset.UtcNow));
    }

    private async Task InsertFirstAsync(string tps)
    {
        await using var ledger = new PostgresLedger(_database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
        Assert.True((await ledger.AppendAsync(new AcceptedForm(Form(tps), DateTimeOffset.UtcNow, "kpps", []))).Appended);
    }

    /// <summary>A copy of the TPS's first form as version <paramref name="version"/>, inserted as the ledger inserts.</summary>
    private async Task InsertCorrectionAsync(string tps, int version, NpgsqlConnection? connection = null, NpgsqlTransaction? transaction = null)
    {
        const string sql = """
            INSERT INTO kpu_ledger (tps, contest, version, registered, voted_dpt, voted_dptb, voted_dpk, ballots_received, ballots_used,
                ballots_spoiled, ballots_unused, votes, valid, invalid, reason, photo_sha256, anomalies, submitted_by, accepted_at)
            SELECT tps, contest, @version, registered, voted_dpt, voted_dptb, voted_dpk, ballots_received, ballots_used,
                ballots_spoiled, ballots_unused, votes, valid, invalid, 'recount', photo_sha256, anomalies, 'pps', now()
            FROM kpu_ledger WHERE tps = @tps AND contest = @contest AND version = 1
            """;
        await using var own = connection is null ? await _database.OpenConnectionAsync() : null;
        await using var command = new NpgsqlCommand(sql, connection ?? own, transaction);
        command.Parameters.AddWithValue("tps", tps);
        command.Parameters.AddWithValue("contest", Contest);
        command.Parameters.AddWithValue("version", version);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>Until a session waits for a district's freeze lock (the two-key advisory locks of Sql/0005_freezes.sql).</summary>
    private Task WaitForFreezeLockAsync() => Eventually.HoldsAsync(async () =>
    {
        var waiting = await ScalarAsync<long>("""
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND NOT granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """);
        return (waiting > 0, $"{waiting} sessions waiting");
    }, TimeSpan.FromSeconds(30), "a session waits for the district's freeze lock");

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
