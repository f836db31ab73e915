using System.Diagnostics;
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
/// A whole night's ledger for all of Jawa Timur (121,502 forms), then the cluster started cold: every tally is
/// rebuilt from the ledger without an operator; stopped and started again, every tally is what it was.
/// </summary>
[Collection(CrashCollection.Name)]
public class ColdStartTests(ITestOutputHelper output)
{
    private static PostgresServer Postgres => CrashCollection.Postgres;

    [Fact]
    public async Task A_cold_cluster_rebuilds_all_of_Jawa_Timur_from_the_ledger_and_a_restart_keeps_it()
    {
        var registry = Jatim.Registry;
        await using var cluster = new LocalCluster(Postgres, silos: 3);
        await cluster.CreateDatabaseAsync();
        var forms = await FillLedgerAsync(cluster.ConnectionString, registry);
        var recount = new Recount(registry, forms);
        var scopes = registry.Contests.Select(c => (c.Id, c.Scope)).ToList();
        var allRegions = registry.Contests
            .SelectMany(c => Exactness.Nodes(registry, [c.Scope]).Where(n => n.Contest == c.Id && registry.Get(n.Region).Level != Level.Tps))
            .Distinct()
            .ToList();

        var cold = Stopwatch.StartNew();
        await cluster.StartAsync();
        await ConvergeAsync(cluster, recount, scopes, TimeSpan.FromMinutes(3));
        output.WriteLine($"cold start: the cluster started and rebuilt every contest's total for all of Jawa Timur ({forms.Count:N0} forms) in {cold.Elapsed.TotalSeconds:N1} s");
        await ConvergeAsync(cluster, recount, allRegions, TimeSpan.FromMinutes(2));

        await cluster.StopAllAsync();
        var warm = Stopwatch.StartNew();
        await cluster.StartAsync();
        await ConvergeAsync(cluster, recount, allRegions, TimeSpan.FromMinutes(2));
        output.WriteLine($"restart: all {allRegions.Count:N0} region tallies equal what they were, read back {warm.Elapsed.TotalSeconds:N1} s after the restart began");
    }

    private static Func<string, string, Task<Tallies.TallySnapshot>> Read(LocalCluster cluster) =>
        (contest, code) => ApiTallies.ReadAsync(cluster.Http, cluster.GatewayAddress, Jatim.Registry, contest, code);

    private static Task ConvergeAsync(LocalCluster cluster, Recount recount, IReadOnlyList<(string, string)> nodes, TimeSpan within) =>
        Exactness.ConvergesAsync(nodes, recount, Read(cluster), within);

    private async Task<List<AcceptedForm>> FillLedgerAsync(string connectionString, RegionRegistry registry)
    {
        var random = new Random(2024);
        var forms = registry.TpsUnder(registry.Root.Code)
            .SelectMany(tps => tps.Contests.Select(contest => new AcceptedForm(SampleForms.Valid(tps, contest, random), DateTimeOffset.UtcNow, "night", [])))
            .ToList();
        var fill = Stopwatch.StartNew();
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using var ledger = new PostgresLedger(database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (form, _) =>
            Assert.True((await ledger.AppendAsync(form)).Appended));
        output.WriteLine($"ledger: {forms.Count:N0} forms appended in {fill.Elapsed.TotalSeconds:N1} s");
        return forms;
    }
}
