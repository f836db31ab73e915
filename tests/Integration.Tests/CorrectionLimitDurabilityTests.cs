using KpuOrleans.Ledger;
using KpuOrleans.Hosting;
using KpuOrleans.Postgres;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// The correction limit is counted from the ledger, so a TPS grain that starts afresh (another silo, a restart)
/// knows the corrections it already took: a storm cannot reset its window by outliving an activation.
/// </summary>
public class CorrectionLimitDurabilityTests
{
    /// <summary>The silos' clock: real time, moved forward by the test. Static because the test cluster builds the silos.</summary>
    private static readonly ShiftedClock Clock = new();

    public sealed class ClockedPostgresSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var connectionString = silo.Configuration["KpuTest:ConnectionString"]!;
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.AddKpuPostgres(silo.Configuration, connectionString);
            silo.AddKpuRegionStorage(connectionString);
            silo.AddKpuGrains();
        }
    }

    [Fact]
    public async Task A_second_cluster_on_the_same_ledger_holds_the_TPS_to_the_corrections_it_already_took()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync();
        await using (var database = Npgsql.NpgsqlDataSource.Create(connectionString))
            await Migrations.ApplyAsync(database, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var serviceId = $"corrections-{Guid.NewGuid():N}";
        var tps = Jatim.Registry.Get("35.79.01.1001.001");
        var contest = Jatim.Registry.FindContest("PGUB-35")!;
        Forms.ResultForm Version(long version) => SampleForms.Valid(tps, contest, new Random((int)version), version);

        await using (var first = await StartClusterAsync(connectionString, serviceId))
        {
            var grain = first.Client.GetGrain<ITpsGrain>(tps.Code);
            for (var version = 1; version <= 11; version++)
                Assert.Equal(SubmitStatus.Accepted, (await grain.Submit(Version(version), "pps-officer", SubmitterRights.Ordinary)).Status);
            Assert.Equal(SubmitStatus.RateLimited, (await grain.Submit(Version(12), "pps-officer", SubmitterRights.Ordinary)).Status);
        }

        await using var second = await StartClusterAsync(connectionString, serviceId);
        var fresh = second.Client.GetGrain<ITpsGrain>(tps.Code);
        var limited = await fresh.Submit(Version(12), "pps-officer", SubmitterRights.Ordinary);
        Assert.Equal(SubmitStatus.RateLimited, limited.Status);
        Assert.Equal(11, limited.CurrentVersion);
        Assert.InRange(limited.RetryAfter!.Value, TimeSpan.FromTicks(1), TimeSpan.FromHours(1));
        // A retry of what was accepted is still answered.
        Assert.Equal(SubmitStatus.Retry, (await fresh.Submit(Version(11), "pps-officer", SubmitterRights.Ordinary)).Status);
        var ledger = ((InProcessSiloHandle)second.Primary!).SiloHost!.Services.GetRequiredService<ILedger>();
        Assert.Equal(11, (await ledger.ReadTpsAsync(tps.Code)).Count(r => r.Form.Contest == contest.Id));

        Clock.Advance(limited.RetryAfter.Value);
        Assert.Equal(SubmitStatus.Accepted, (await fresh.Submit(Version(12), "pps-officer", SubmitterRights.Ordinary)).Status);
        Assert.Equal(SubmitStatus.Accepted, (await fresh.Submit(Version(13), "provinsi-officer", SubmitterRights.BeyondCorrectionLimit)).Status);
        Assert.Equal(13, (await ledger.ReadTpsAsync(tps.Code)).Count(r => r.Form.Contest == contest.Id));
    }

    private static async Task<TestCluster> StartClusterAsync(string connectionString, string serviceId)
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Properties["KpuTest:ConnectionString"] = connectionString;
        builder.AddSiloBuilderConfigurator<ClockedPostgresSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
