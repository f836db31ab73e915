using System.Net;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Postgres;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KpuOrleans.Integration.Tests;

public partial class CertificationDurabilityTests
{
    /// <summary>The advisory lock (single-key form) this test holds to keep a correction's transaction open.</summary>
    private const long HoldBackKey = 0x4B50_5548_4F4C_44; // "KPUHOLD"

    /// <summary>
    /// A correction whose commit is held back until after the certification would have read the district back (a
    /// PostgreSQL stall), sent by a TPS activation the certification cannot settle: one whose caller was told the
    /// outcome is unknown, or a duplicate on another silo. The certificate must either count it or the ledger refuse
    /// it; never a ledger row under a certificate that does not include it. (Before the freeze was in the database,
    /// this failed: the certificate was issued at once, and the correction landed under it.)
    /// </summary>
    [Fact]
    public async Task A_correction_held_back_past_the_read_back_is_counted_by_the_certificate_or_refused()
    {
        await using var cluster = await StartClusterAsync(PostgresServer.Shared, silos: 1);
        var district = SmallestDistrict();
        var forms = await FillAsync(cluster, district.Code, seed: 7);
        var first = forms[0];
        var tps = Jatim.Registry.Get(first.Tps);
        var correction = SampleForms.Correction(first, tps, Jatim.Registry.FindContest(Contest)!, new Random(8)) with { Reason = "held back" };

        await using var database = NpgsqlDataSource.Create(cluster.ConnectionString);
        // Test only (as the database owner): a row with this reason, once written and checked, waits for our lock.
        await ExecuteAsync(database, $"""
            CREATE FUNCTION test_hold_back() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_advisory_xact_lock_shared({HoldBackKey}); RETURN NEW; END; $$;
            CREATE TRIGGER test_hold_back AFTER INSERT ON kpu_ledger FOR EACH ROW WHEN (NEW.reason = 'held back') EXECUTE FUNCTION test_hold_back();
            """);
        await using var holder = await database.OpenConnectionAsync();
        await ExecuteAsync(holder, $"SELECT pg_advisory_lock({HoldBackKey})");

        await using var ledger = new PostgresLedger(database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
        var appending = ledger.AppendAsync(new AcceptedForm(correction, StoredTime.Microseconds(DateTimeOffset.UtcNow), $"pps-{tps.Parent}", []));
        await Eventually.HoldsAsync(async () => (await WaitingAsync(database, $"objsubid = 1 AND objid = {HoldBackKey & 0xFFFF_FFFF}") > 0, "not yet"),
            TimeSpan.FromSeconds(30), "the correction is written and held back before its commit");

        var certifying = CertifyAsync(cluster, district.Code, Ppk(district.Code));
        // The certification either answers (it did not wait for the correction), or waits for it in the database.
        await Eventually.HoldsAsync(async () => (certifying.IsCompleted || await WaitingAsync(database, "objsubid = 2") > 0, "neither"),
            TimeSpan.FromSeconds(30), "the certification answered or waits for the correction");
        output.WriteLine(certifying.IsCompleted ? "the certification answered while the correction was held back" : "the freeze waits for the correction");
        await ExecuteAsync(holder, $"SELECT pg_advisory_unlock({HoldBackKey})");
        var certificate = await ExpectAsync(HttpStatusCode.Created, certifying);
        bool stored;
        try
        {
            stored = (await appending).Appended;
        }
        catch (Exception e) when (e is LedgerRowRefusedException or LedgerUnavailableException)
        {
            output.WriteLine($"the correction was refused: {e.Message}");
            stored = false;
        }

        var latest = await ledger.ReadLatestUnderAsync(district.Code);
        Assert.Equal(stored, latest.Any(row => row.Form.Tps == correction.Tps && row.Form.Version == correction.Version));
        var recount = new Recount(Jatim.Registry, latest);
        Assert.True(recount.ExpectedDigest(Contest, district.Code) == certificate.GetProperty("digest").GetString(),
            $"the ledger of {district.Code} {(stored ? "holds" : "lacks")} {correction.Tps} v{correction.Version}, and the certificate does not match it");
        AssertTally(recount.Expected(Contest, district.Code), certificate.GetProperty("tally"));
        Assert.Equal(stored ? correction.Version : 1, (await ledger.ReadTpsAsync(correction.Tps)).Max(row => row.Form.Version));
    }

    /// <summary>Sessions of this database waiting for an advisory lock that matches <paramref name="which"/>.</summary>
    private static async Task<long> WaitingAsync(NpgsqlDataSource database, string which)
    {
        await using var command = database.CreateCommand($"""
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND {which}
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
