using KpuOrleans.Forms;
using KpuOrleans.Regions;
using KpuOrleans.Registry;
using KpuOrleans.Hosting;
using KpuOrleans.Postgres;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace KpuOrleans.Integration.Tests;

/// <summary>Region state through the ADO.NET provider on PostgreSQL: what one cluster stored, the next one reads.</summary>
public class GrainStateTests
{
    private const string Village = "35.79.01.1001";

    public sealed class PostgresSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var connectionString = silo.Configuration["KpuTest:ConnectionString"]!;
            silo.Services.AddKpuPostgres(silo.Configuration, connectionString);
            silo.AddKpuRegionStorage(connectionString);
            silo.AddKpuGrains();
        }
    }

    [Fact]
    public async Task The_province_round_trips_through_PostgreSQL_and_the_levels_below_rebuild_from_the_ledger()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync();
        await using (var database = Npgsql.NpgsqlDataSource.Create(connectionString))
            await Migrations.ApplyAsync(database, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var serviceId = $"state-{Guid.NewGuid():N}";
        var registry = Jatim.Registry;
        var accepted = new List<AcceptedForm>();

        await using (var first = await StartClusterAsync(connectionString, serviceId))
        {
            var random = new Random(3);
            foreach (var tps in registry.TpsUnder(Village))
            foreach (var contest in tps.Contests)
            {
                var outcome = await first.Client.GetGrain<ITpsGrain>(tps.Code).Submit(SampleForms.Valid(tps, contest, random), "state-test", SubmitterRights.Ordinary);
                Assert.Equal(SubmitStatus.Accepted, outcome.Status);
                accepted.Add(outcome.Form!);
            }
            var recount = new Recount(registry, accepted);
            await Exactness.ConvergesAsync([("PGUB-35", "35"), ("PWAL-35.79", "35.79")], recount,
                async (contest, code) => (await first.Client.GetTallyGrain(registry.Get(code)).GetTally(contest))!,
                TimeSpan.FromSeconds(30));
        }

        await using var second = await StartClusterAsync(connectionString, serviceId);
        var expected = new Recount(registry, accepted);
        var storage = ((InProcessSiloHandle)second.Primary!).SiloHost!.Services.GetRequiredKeyedService<IGrainStorage>(RegionGrain.StorageName);
        var province = registry.Root;
        var provinceGrain = second.Client.GetRegionGrain(province);
        var stored = new GrainState<RegionState>();
        await storage.ReadStateAsync("province", provinceGrain.GetGrainId(), stored);
        Assert.True(stored.RecordExists, "no stored state for the province");
        foreach (var contest in province.Contests)
        {
            var sum = stored.State!.Children[contest.Id].Values.Aggregate(Tallies.Tally.Zero(contest.Candidates.Count), (t, c) => t.Plus(c.Tally));
            Assert.True(sum.SameCounts(expected.Expected(contest.Id, province.Code)), $"province {contest.Id}: stored {sum}");
        }

        // Every level serves the exact totals on a fresh activation: the province from its stored state, the others
        // from the ledger, of which they store nothing.
        foreach (var (code, stateName) in new[] { ("35.79.01", "district"), ("35.79", "regency"), ("35", "province") })
        {
            var region = registry.Get(code);
            var grain = second.Client.GetRegionGrain(region);
            if (region.Level != Level.Province)
            {
                var none = new GrainState<RegionState>();
                await storage.ReadStateAsync(stateName, grain.GetGrainId(), none);
                Assert.False(none.RecordExists, $"{stateName} {code} has stored state");
            }
            foreach (var contest in region.Contests)
            {
                var live = (await grain.GetTally(contest.Id))!.Tally;
                Assert.True(live.SameCounts(expected.Expected(contest.Id, code)), $"{code} {contest.Id}: {live}");
            }
        }
    }

    private static async Task<TestCluster> StartClusterAsync(string connectionString, string serviceId)
    {
        var builder = new TestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Properties["KpuTest:ConnectionString"] = connectionString;
        builder.Properties["Tally:FlushInterval"] = "00:00:00.050";
        builder.AddSiloBuilderConfigurator<PostgresSilo>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
