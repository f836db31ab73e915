using System.Net;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>GET /api/v1/export/{contest}.csv: open data from the ledger, one row per TPS, latest version, code order.</summary>
public class ExportTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Fact]
    public async Task The_export_has_one_row_per_TPS_with_its_latest_form_in_code_order()
    {
        var registry = Jatim.Registry;
        var contest = registry.FindContest("PWAL-35.78")!;
        var stations = registry.TpsUnder("35.78.05.1002").Take(3).ToList();
        var random = new Random(11);
        var latest = new Dictionary<string, Forms.ResultForm>();
        foreach (var tps in stations.AsEnumerable().Reverse())
        {
            var v1 = SampleForms.Valid(tps, contest, random);
            Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(v1)).Status);
            latest[tps.Code] = v1;
        }
        var corrected = SampleForms.Correction(latest[stations[1].Code], stations[1], contest, random);
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(corrected)).Status);
        latest[stations[1].Code] = corrected;

        using var response = await host.CreateClient().GetAsync("/api/v1/export/PWAL-35.78.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal("tps,version,registered,voted_dpt,voted_dptb,voted_dpk,ballots_received,ballots_used,ballots_spoiled,ballots_unused,votes_1,votes_2,valid,invalid,accepted_at,digest", lines[0]);
        Assert.Equal(stations.Select(s => s.Code), lines.Skip(1).Select(l => l.Split(',')[0]));
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var form = latest[cells[0]];
            Assert.Equal(
                [form.Version, form.Registered, form.Voted.Dpt, form.Voted.Dptb, form.Voted.Dpk, form.Ballots.Received, form.Ballots.Used,
                 form.Ballots.Spoiled, form.Ballots.Unused, form.Votes["1"], form.Votes["2"], form.Valid, form.Invalid],
                cells[1..14].Select(long.Parse));
            Assert.True(DateTime.TryParse(cells[14], out _), cells[14]);
            Assert.Equal(TallyDigest.OfForm(form, Jatim.Registry.FindContest(form.Contest)!), cells[15]);
        }
    }

    [Fact]
    public async Task An_unknown_contest_is_404()
    {
        using var response = await host.CreateClient().GetAsync("/api/v1/export/PBUP-35.99.csv");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
