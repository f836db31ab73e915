using System.Diagnostics;
using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Postgres;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>
/// The end of every multi-process test: each acknowledged form is in the ledger as acknowledged, every tally (through
/// every gateway) and every viewer's last message come to equal the ledger's recount, and <c>verify</c> agrees.
/// </summary>
public static class ClusterExactness
{
    public static async Task AssertAsync(LocalCluster cluster, IEnumerable<ResultForm> acknowledged, string[] slice, ITestOutputHelper output,
        LiveViewers? viewers = null, (Stopwatch Since, string What)? timing = null)
    {
        await using var database = NpgsqlDataSource.Create(cluster.ConnectionString);
        await using var ledger = new PostgresLedger(database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
        foreach (var tps in acknowledged.GroupBy(f => f.Tps))
        {
            var rows = await ledger.ReadTpsAsync(tps.Key);
            foreach (var form in tps)
                Assert.Contains(rows, r => r.Form.Contest == form.Contest && r.Form.Version == form.Version && r.Form.SameContent(form));
        }

        // Whatever else happened, the ledger is the truth; every node must come to equal its recount.
        var accepted = new List<AcceptedForm>();
        foreach (var regency in slice) accepted.AddRange(await ledger.ReadLatestUnderAsync(regency));
        // With each form's evidence as the database says it: pages stored (the catalogue) and disputes open.
        var stored = await ledger.StoredAsync([.. accepted.SelectMany(f => f.Form.Pages).Distinct()]);
        var disputes = new Dictionary<FormKey, DisputeCounts>();
        var register = new PostgresDisputeRegister(database);
        foreach (var regency in slice)
            foreach (var (key, counts) in await register.CountsUnderAsync(regency)) disputes[key] = counts;
        var recount = new Recount(Jatim.Registry, accepted,
            form => FormEvidence.Of(form, stored, disputes.GetValueOrDefault(new FormKey(form.Tps, form.Contest), DisputeCounts.None)));
        foreach (var gateway in cluster.GatewayAddresses)
        {
            await Exactness.ConvergesAsync(Exactness.Nodes(Jatim.Registry, slice), recount,
                (contest, code) => ApiTallies.ReadAsync(cluster.Http, gateway, Jatim.Registry, contest, code), TimeSpan.FromSeconds(120));
        }
        if (timing is var (since, what))
            output.WriteLine($"every tally was exact {since.Elapsed.TotalSeconds:N1} s after {what} ({accepted.Count:N0} forms in the ledger)");
        if (viewers is not null)
        {
            await Eventually.HoldsAsync(() =>
            {
                var behind = viewers.Behind(region => recount.Expected(LiveViewers.Contest, region));
                return Task.FromResult((behind.Count == 0, string.Join(" | ", behind)));
            }, TimeSpan.FromSeconds(60), "every viewer's last message equals the recount");
            output.WriteLine($"{accepted.Count:N0} latest forms in the ledger; every tally over both gateways and every viewer equal their recount");
        }

        var (exitCode, verify) = await cluster.VerifyAsync();
        output.WriteLine(verify.Split('\n').LastOrDefault(l => l.StartsWith("verify:")) ?? verify);
        Assert.True(exitCode == 0, verify);
    }
}
