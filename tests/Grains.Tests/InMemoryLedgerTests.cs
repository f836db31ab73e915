using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.TestKit;

namespace KpuOrleans.Grains.Tests;

/// <summary>The embedded ledger reads below a region as PostgreSQL's does (Integration.Tests' LedgerTests).</summary>
public class InMemoryLedgerTests
{
    private readonly InMemoryLedger _ledger = new();

    [Fact]
    public async Task Reads_below_a_region_take_whole_segments_only()
    {
        // 35.79.01.1001 and 35.79.01.1002 share the string "35.79.01.100"; 35.78 and 35.79 share "35.7".
        foreach (var tps in new[] { "35.79.01.1001.001", "35.79.01.1002.001", "35.78.01.1001.001" })
            await _ledger.AppendAsync(new AcceptedForm(Form(tps), DateTimeOffset.UtcNow, "t", ["turnout-high"]));

        Assert.Equal(["35.79.01.1001.001"], (await _ledger.ReadRecentAnomaliesAsync("35.79.01.1001", 10)).Select(a => a.Form.Tps));
        Assert.Equal(["35.79.01.1002.001", "35.79.01.1001.001"], (await _ledger.ReadRecentAnomaliesAsync("35.79", 10)).Select(a => a.Form.Tps));
        Assert.Equal(["35.79.01.1002.001"], (await _ledger.ReadRecentAnomaliesAsync("35.79", 1)).Select(a => a.Form.Tps));
        Assert.Equal(["35.79.01.1001.001", "35.79.01.1002.001"], (await _ledger.ReadLatestUnderAsync("35.79.01")).Select(a => a.Form.Tps).Order());
        Assert.Equal(["35.79.01.1001.001"], (await _ledger.ReadLatestUnderAsync("35.79.01.1001")).Select(a => a.Form.Tps));
        foreach (var notBelow in new[] { "35.7", "35.79.01.100", "35.79.01.1001.001", "" })
        {
            Assert.Empty(await _ledger.ReadRecentAnomaliesAsync(notBelow, 10));
            Assert.Empty(await _ledger.ReadLatestUnderAsync(notBelow));
        }
    }

    [Fact]
    public async Task Version_sums_are_kept_per_contest_and_village()
    {
        var first = Form("35.79.01.1001.001");
        await _ledger.AppendAsync(new AcceptedForm(first, DateTimeOffset.UtcNow, "t", []));
        await _ledger.AppendAsync(new AcceptedForm(first with { Version = 2, Reason = "recount" }, DateTimeOffset.UtcNow, "t", []));
        await _ledger.AppendAsync(new AcceptedForm(Form("35.79.01.1001.002"), DateTimeOffset.UtcNow, "t", []));
        await _ledger.AppendAsync(new AcceptedForm(Form("35.79.01.1002.001"), DateTimeOffset.UtcNow, "t", []));

        var sums = await _ledger.ReadVersionSumsAsync();

        Assert.Equal([new VersionSum("PGUB-35", "35.79.01.1001", 3), new VersionSum("PGUB-35", "35.79.01.1002", 1)],
            sums.OrderBy(s => s.Village, StringComparer.Ordinal));
    }

    private static ResultForm Form(string tps) =>
        SampleForms.Valid(Jatim.Registry.Get(tps), Jatim.Registry.FindContest("PGUB-35")!, new Random(1));
}
