using KpuOrleans.Forms;
using KpuOrleans.Silo.Storage;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>The end of a rehearsal: acked forms in the ledger, every tally and every viewer equal to the ledger's recount, verify OK.</summary>
public static class ScalingExactness
{
    public static async Task AssertAsync(LocalCluster cluster, IReadOnlyList<ElectionLoad> loads, string[] slice, LiveViewers viewers, ITestOutputHelper output)
    {
        await using var database = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var ledger = new PostgresLedger(database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
        foreach (var tps in loads.SelectMany(l => l.Acknowledged).GroupBy(f => f.Tps))
        {
            var rows = await ledger.ReadTpsAsync(tps.Key);
            foreach (var form in tps)
                Assert.Contains(rows, r => r.Form.Contest == form.Contest && r.Form.Version == form.Version && r.Form.SameContent(form));
        }

        var accepted = new List<AcceptedForm>();
        foreach (var regency in slice) accepted.AddRange(await ledger.ReadLatestUnderAsync(regency));
        var recount = new Recount(Jatim.Registry, accepted);
        foreach (var gateway in cluster.GatewayAddresses)
        {
            await Exactness.ConvergesAsync(Exactness.Nodes(Jatim.Registry, slice), recount,
                (contest, code) => ApiTallies.ReadAsync(cluster.Http, gateway, Jatim.Registry, contest, code), TimeSpan.FromSeconds(60));
        }
        await Eventually.HoldsAsync(() =>
        {
            var behind = viewers.Behind(region => recount.Expected(LiveViewers.Contest, region));
            return Task.FromResult((behind.Count == 0, string.Join(" | ", behind)));
        }, TimeSpan.FromSeconds(60), "every viewer's last message equals the recount");
        output.WriteLine($"{accepted.Count:N0} latest forms in the ledger; every tally over both gateways and every viewer equal their recount");

        var (exitCode, verify) = await cluster.VerifyAsync();
        output.WriteLine(verify.Split('\n').LastOrDefault(l => l.StartsWith("verify:")) ?? verify);
        Assert.True(exitCode == 0, verify);
    }
}
