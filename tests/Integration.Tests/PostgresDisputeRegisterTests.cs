using KpuOrleans.Evidence;
using KpuOrleans.Grains.Tests;
using KpuOrleans.Postgres;
using Npgsql;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// The disputes in PostgreSQL (Sql/0008_disputes.sql): the register's contract as the application role (its grants are
/// enough), the audit rows it leaves, and both tables append-only for the owner as for the application role.
/// </summary>
public class PostgresDisputeRegisterTests : DisputeRegisterContract, IAsyncLifetime
{
    private NpgsqlDataSource _owner = null!;
    private NpgsqlDataSource _application = null!;
    private IDisputeRegister _register = null!;

    protected override IDisputeRegister Register => _register;

    public async Task InitializeAsync()
    {
        var (owner, application) = await DatabaseRoles.CreateMigratedAsync();
        _owner = NpgsqlDataSource.Create(owner);
        // Room for the storm of parallel opens: each holds a connection while it waits for the reporter's lock.
        _application = NpgsqlDataSource.Create(application + ";Maximum Pool Size=40");
        _register = new PostgresDisputeRegister(_application);
    }

    public async Task DisposeAsync()
    {
        await _owner.DisposeAsync();
        await _application.DisposeAsync();
    }

    [Fact]
    public async Task The_rows_are_the_audit_the_reporter_only_a_hash_and_the_resolution_who_what_when_why()
    {
        var reporter = new string('a', 64);
        var (dispute, _) = await _register.OpenAsync("35.76.01.1001.001", Governor, 1, "ballots.used", "photo: 303", reporter, At);
        var resolvedAt = At.AddHours(2);
        await _register.ResolveAsync(dispute.Id, new DisputeResolution("dismissed", "the photo says 303 too", null, "ppk-35.76.01", resolvedAt));

        await using (var report = _owner.CreateCommand("SELECT tps, contest, version, field, note, reporter, opened_at FROM kpu_disputes WHERE id = @id"))
        {
            report.Parameters.AddWithValue("id", dispute.Id);
            await using var row = await report.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync());
            Assert.Equal(("35.76.01.1001.001", Governor, 1, "ballots.used", "photo: 303", reporter),
                (row.GetString(0), row.GetString(1), row.GetInt32(2), row.GetString(3), row.GetString(4), row.GetString(5)));
            Assert.Equal(At.AddTicks(-7).UtcDateTime, row.GetDateTime(6));
        }
        await using (var audit = _owner.CreateCommand("SELECT outcome, reason, version, resolved_by, resolved_at FROM kpu_dispute_resolutions WHERE dispute = @id"))
        {
            audit.Parameters.AddWithValue("id", dispute.Id);
            await using var row = await audit.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync());
            Assert.Equal(("dismissed", "the photo says 303 too", true, "ppk-35.76.01"),
                (row.GetString(0), row.GetString(1), row.IsDBNull(2), row.GetString(3)));
            Assert.Equal(resolvedAt.AddTicks(-7).UtcDateTime, row.GetDateTime(4));
            Assert.False(await row.ReadAsync());
        }
        // A half-made resolution is refused by the table itself, whoever writes it.
        await AssertRefusedAsync(_owner,
            $"INSERT INTO kpu_dispute_resolutions VALUES ({dispute.Id + 1000}, 'dismissed', NULL, NULL, 'x', now())", PostgresErrorCodes.CheckViolation);
    }

    [Fact]
    public async Task Reports_and_resolutions_are_append_only_even_for_the_owner()
    {
        var (open, _) = await _register.OpenAsync("35.76.01.1001.002", Governor, 1, "valid", "n", "r", At);
        var (resolved, _) = await _register.OpenAsync("35.76.01.1001.003", Governor, 1, "valid", "n", "r", At);
        await _register.ResolveAsync(resolved.Id, new DisputeResolution("corrected", null, 2, "ppk", At));

        foreach (var sql in new[]
                 {
                     "UPDATE kpu_disputes SET note = 'rewritten'", "DELETE FROM kpu_disputes", "TRUNCATE kpu_disputes CASCADE",
                     "UPDATE kpu_dispute_resolutions SET resolved_by = 'someone else'", "DELETE FROM kpu_dispute_resolutions",
                     "TRUNCATE kpu_dispute_resolutions",
                 })
        {
            await AssertRefusedAsync(_application, sql, PostgresErrorCodes.InsufficientPrivilege);
            await AssertRefusedAsync(_owner, sql, PostgresErrorCodes.RaiseException);
        }
        Assert.Equal(open, await _register.GetAsync(open.Id));
        Assert.Equal("ppk", (await _register.GetAsync(resolved.Id))!.Resolution!.By);
        Assert.Equal(2L, await ScalarAsync(_owner, "SELECT count(*) FROM kpu_disputes"));
        Assert.Equal(1L, await ScalarAsync(_owner, "SELECT count(*) FROM kpu_dispute_resolutions"));
    }

    private static async Task AssertRefusedAsync(NpgsqlDataSource database, string sql, string sqlState)
    {
        await using var command = database.CreateCommand(sql);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.True(refused.SqlState == sqlState, $"{sql}: {refused.SqlState} {refused.MessageText}");
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
