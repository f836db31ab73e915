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
/// README "Database roles": the ledger and the certificates are append-only for everyone, and the application role
/// (what silos and gateways connect as) holds only the privileges the running system uses.
/// </summary>
public class DatabaseRoleTests : IAsyncLifetime
{
    private NpgsqlDataSource _owner = null!;
    private NpgsqlDataSource _application = null!;

    public async Task InitializeAsync()
    {
        var (owner, application) = await DatabaseRoles.CreateMigratedAsync();
        _owner = NpgsqlDataSource.Create(owner);
        _application = NpgsqlDataSource.Create(application);
    }

    public async Task DisposeAsync()
    {
        await _owner.DisposeAsync();
        await _application.DisposeAsync();
    }

    [Fact]
    public async Task The_application_role_appends_and_reads_the_ledger_but_cannot_truncate_update_or_delete_it()
    {
        await using (var ledger = new PostgresLedger(_application, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance))
        {
            Assert.True((await ledger.AppendAsync(Accepted("35.79.01.1001.001"))).Appended);
            Assert.Single(await ledger.ReadTpsAsync("35.79.01.1001.001"));
        }

        foreach (var sql in new[] { "TRUNCATE kpu_ledger", "UPDATE kpu_ledger SET valid = 0", "DELETE FROM kpu_ledger" })
            await AssertRefusedAsync(_application, sql, PostgresErrorCodes.InsufficientPrivilege);
        Assert.Equal(1L, await ScalarAsync<long>(_owner, "SELECT count(*) FROM kpu_ledger"));
    }

    [Fact]
    public async Task Even_the_owner_cannot_truncate_the_ledger_or_the_certificates()
    {
        await using (var ledger = new PostgresLedger(_owner, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance))
            Assert.True((await ledger.AppendAsync(Accepted("35.79.01.1001.002"))).Appended);
        Assert.Equal(IssueOutcome.Issued, await new PostgresCertificateRegister(_owner).IssueAsync(Certificate("35.79.01"), freeze: null));

        await AssertRefusedAsync(_owner, "TRUNCATE kpu_ledger", PostgresErrorCodes.RaiseException);
        await AssertRefusedAsync(_owner, "TRUNCATE kpu_certificates", PostgresErrorCodes.RaiseException);
        await AssertRefusedAsync(_owner, "DELETE FROM kpu_certificates", PostgresErrorCodes.RaiseException);
        Assert.Equal(1L, await ScalarAsync<long>(_owner, "SELECT count(*) FROM kpu_ledger"));
        Assert.Equal(1L, await ScalarAsync<long>(_owner, "SELECT count(*) FROM kpu_certificates"));
    }

    [Fact]
    public async Task A_certificate_is_never_rewritten_and_its_withdrawal_is_recorded_once()
    {
        var register = new PostgresCertificateRegister(_application);
        Assert.Equal(IssueOutcome.Issued, await register.IssueAsync(Certificate("35.79.02"), freeze: null));

        // What was signed: the application role may not touch it at all, the owner is stopped by the trigger.
        foreach (var change in new[] { "tally = '{}'::jsonb", "digest = 'forged'", "certified_by = 'someone-else'" })
        {
            await AssertRefusedAsync(_application, $"UPDATE kpu_certificates SET {change}", PostgresErrorCodes.InsufficientPrivilege);
            await AssertRefusedAsync(_owner, $"UPDATE kpu_certificates SET {change}", PostgresErrorCodes.RaiseException);
        }
        await AssertRefusedAsync(_application, "DELETE FROM kpu_certificates", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(_application, "TRUNCATE kpu_certificates", PostgresErrorCodes.InsufficientPrivilege);

        var withdrawal = new Withdrawal("kabkota-a", DateTimeOffset.UtcNow, "signed the wrong sheet");
        Assert.True(await register.WithdrawAsync(Contest, "35.79.02", withdrawal));
        // A second withdrawal, written straight at the row: refused, whoever writes it.
        const string again = "UPDATE kpu_certificates SET withdrawn_by = 'other', withdrawn_at = now(), withdrawal_reason = 'again'";
        await AssertRefusedAsync(_application, again, PostgresErrorCodes.RaiseException);
        await AssertRefusedAsync(_owner, again, PostgresErrorCodes.RaiseException);

        var stored = Assert.Single(await register.ReadAllAsync(Contest));
        Assert.Equal(("kabkota-a", "signed the wrong sheet"), (stored.Withdrawn!.By, stored.Withdrawn.Reason));
        Assert.Equal(Certificate("35.79.02").Tally.Digest, stored.Tally.Digest);
    }

    [Fact]
    public async Task The_application_role_cannot_create_objects()
    {
        await AssertRefusedAsync(_application, "CREATE TABLE kpu_intruder (x int)", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(_application, "CREATE FUNCTION kpu_intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'", PostgresErrorCodes.InsufficientPrivilege);
        await AssertRefusedAsync(_application, "CREATE TEMPORARY TABLE kpu_intruder (x int)", PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task The_application_role_finds_the_schema_current_but_may_not_migrate()
    {
        Assert.True(await Migrations.IsCurrentAsync(_application));
        await AssertRefusedAsync(_application, "CREATE TABLE IF NOT EXISTS kpu_schema_migrations (version integer)", PostgresErrorCodes.InsufficientPrivilege);

        // Never migrated; and migrated before the roles existed (the record is there, but not yet readable by the role).
        var never = await PostgresServer.Shared.CreateDatabaseAsync("kpu_roles");
        var before = await PostgresServer.Shared.CreateDatabaseAsync("kpu_roles");
        await using (var owner = NpgsqlDataSource.Create(before))
        await using (var create = owner.CreateCommand("CREATE TABLE kpu_schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"))
            await create.ExecuteNonQueryAsync();
        foreach (var database in new[] { never, before })
        {
            await using var application = NpgsqlDataSource.Create(PostgresServer.AsApplication(database));
            Assert.False(await Migrations.IsCurrentAsync(application));
            var refused = await Assert.ThrowsAsync<PostgresException>(() => Migrations.ApplyAsync(application, NullLogger.Instance));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
    }

    [Fact]
    public async Task The_application_role_may_run_every_query_Orleans_keeps_in_the_database()
    {
        var queries = new Dictionary<string, string>();
        await using (var read = _application.CreateCommand("SELECT querykey, querytext FROM orleansquery"))
        await using (var reader = await read.ExecuteReaderAsync())
            while (await reader.ReadAsync()) queries.Add(reader.GetString(0), reader.GetString(1));

        // A silo's life as Orleans writes it (open the cluster, join, change, beat, read, keep grain state, clean up, drop the
        // cluster), each step on the rows the one before made, so that the functions reach every statement inside them.
        string[] life =
        [
            "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "MembershipReadRowKey",
            "MembershipReadAllKey", "GatewaysQueryKey", "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
            "CleanupDefunctSiloEntryKey", "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey",
        ];
        Assert.Equal(life.Order(), queries.Keys.Order());
        await using var connection = await _application.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var start = new DateTime(2024, 2, 14, 7, 0, 0, DateTimeKind.Utc);
        foreach (var key in life)
        {
            await using var command = new NpgsqlCommand(queries[key], connection, transaction);
            object? Value(string name) => name switch
            {
                "DeploymentId" or "ServiceId" => "roles-test",
                "Address" => "10.0.0.1",
                "SiloName" or "HostName" or "GrainTypeString" => "probe",
                "SuspectTimes" or "GrainIdExtensionString" => null,
                "Port" or "ProxyPort" or "Generation" or "GrainTypeHash" or "GrainIdHash" => 1,
                "Status" => 6,
                "Version" => key == "UpdateMembershipKey" ? 1 : 0,
                "GrainStateVersion" => key switch { "ClearStorageKey" => 1, "DeleteStorageKey" => 2, _ => null },
                "StartTime" or "IAmAliveTime" => start,
                "GrainIdN0" or "GrainIdN1" => 1L,
                "PayloadBinary" => new byte[] { 1 },
                _ => throw new InvalidOperationException($"{key} binds @{name}, which this test does not know"),
            };
            foreach (var name in System.Text.RegularExpressions.Regex.Matches(queries[key], @"@(\w+)").Select(m => m.Groups[1].Value).Distinct())
                command.Parameters.Add(Value(name) switch
                {
                    null when name == "GrainStateVersion" => new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Integer) { Value = DBNull.Value },
                    null => new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value },
                    var value => new NpgsqlParameter(name, value),
                });
            try
            {
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) { }
            }
            catch (PostgresException e)
            {
                Assert.Fail($"{key}: {e.SqlState} {e.MessageText}");
            }
        }
        await transaction.RollbackAsync();
    }

    private const string Contest = "PGUB-35";

    private static AcceptedForm Accepted(string tps) => new(
        SampleForms.Valid(Jatim.Registry.Get(tps), Jatim.Registry.FindContest(Contest)!, new Random(tps.GetHashCode())),
        DateTimeOffset.UtcNow, "kpps", []);

    private static Certificate Certificate(string district) => new(
        new TallySnapshot(Contest, district, new Tally(3, [200, 75], 275, 5, 280, 300, 3, 0), DateTimeOffset.UtcNow, new string('d', 64)),
        "ppk-" + district, DateTimeOffset.UtcNow, null);

    private static async Task AssertRefusedAsync(NpgsqlDataSource database, string sql, string sqlState)
    {
        await using var command = database.CreateCommand(sql);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.True(refused.SqlState == sqlState, $"{sql}: {refused.SqlState} {refused.MessageText}");
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
