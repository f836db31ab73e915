using KpuOrleans.Certification;
using KpuOrleans.Postgres;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace KpuOrleans.Integration.Tests;

/// <summary>certificates.json is written as PostgreSQL returns the rows: the stream holds what the register holds, in its order.</summary>
public class CertificateStreamTests : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;

    public async Task InitializeAsync()
    {
        _database = NpgsqlDataSource.Create(await PostgresServer.Shared.CreateDatabaseAsync());
        await Migrations.ApplyAsync(_database, NullLogger.Instance);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static Certificate Of(string contest, string region, int minute) =>
        new(new TallySnapshot(contest, region, Tally.Zero(3), null, $"sha256:{region}-{minute}"), $"officer-{region}",
            new DateTimeOffset(2024, 11, 28, 10, minute, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_stream_is_the_contest_s_register_in_region_order_withdrawn_ones_included()
    {
        var register = new PostgresCertificateRegister(_database);
        Assert.Equal(IssueOutcome.Issued, await register.IssueAsync(Of("PGUB-35", "35.78.02", 1), freeze: null));
        Assert.Equal(IssueOutcome.Issued, await register.IssueAsync(Of("PGUB-35", "35.78.01", 2), freeze: null));
        Assert.Equal(IssueOutcome.Issued, await register.IssueAsync(Of("PWAL-35.78", "35.78.01", 3), freeze: null));
        Assert.True(await register.WithdrawAsync("PGUB-35", "35.78.01", new Withdrawal("officer-35", new DateTimeOffset(2024, 11, 28, 11, 0, 0, TimeSpan.Zero), "recount")));
        Assert.Equal(IssueOutcome.Issued, await register.IssueAsync(Of("PGUB-35", "35.78.01", 4), freeze: null));

        var streamed = new List<Certificate>();
        await foreach (var certificate in register.StreamAllAsync("PGUB-35")) streamed.Add(certificate);

        Assert.Equal([("35.78.01", true), ("35.78.01", false), ("35.78.02", false)], streamed.Select(c => (c.Region, c.Withdrawn is not null)));
        Assert.Equal(await register.ReadAllAsync("PGUB-35"), streamed, (a, b) => a.Region == b.Region && a.CertifiedAt == b.CertifiedAt
            && a.Tally.Digest == b.Tally.Digest && a.Withdrawn == b.Withdrawn);
        Assert.Equal("recount", streamed[0].Withdrawn!.Reason);
        Assert.Empty(await register.StreamAllAsync("PBUP-35.07").ToListAsync());
    }
}
