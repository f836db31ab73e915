using System.Text.RegularExpressions;
using KpuOrleans.Browser.Tests.Infrastructure;
using KpuOrleans.TestKit;

namespace KpuOrleans.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class DisputeTests(BrowserFixture fixture)
{
    private const string Governor = "PGUB-35";

    [Fact]
    public async Task A_report_filed_on_the_tps_view_appears_in_the_operator_tab_and_leaves_the_open_list_once_dismissed()
    {
        var registry = Jatim.Registry;
        var race = registry.FindContest(Governor)!;
        // Kabupaten Kediri's largest district (never the smallest one CertificationTests fills): its first TPS.
        var district = registry.Get("35.06").Children.Select(registry.Get).MaxBy(d => d.TpsCount)!;
        var tps = registry.Get(registry.Get(district.Children[0]).Children[0]);
        await fixture.Gateway.AcceptAsync(SampleForms.Valid(tps, race, new Random(1806)));
        var candidate = race.Candidates[0].Number;
        const string Note = "Di foto tertulis 120, bukan 210 <b>seperti</b> di sini";
        const string Reason = "Foto dicek ulang: angkanya sama dengan formulir";

        await using var session = await fixture.OpenAsync(nameof(DisputeTests));
        await session.RunAsync(async page =>
        {
            await page.GotoAsync($"/?contest={Governor}&region={tps.Code}");
            await page.ExpectViewAsync(Governor, tps.Code, tps.Name, "tps");
            await page.GetByTestId("dispute-open").ClickAsync();
            await page.GetByTestId("dispute-field").SelectOptionAsync($"votes.{candidate}");
            await page.GetByTestId("dispute-note").FillAsync(Note);
            await page.GetByTestId("dispute-submit").ClickAsync();
            var result = page.GetByTestId("dispute-result");
            await Expect(result).ToHaveAttributeAsync("data-state", "opened");
            await Expect(result).ToHaveTextAsync(new Regex(@"^Laporan #\d+ diterima\."));
            var id = Regex.Match((await result.TextContentAsync())!, @"#(\d+)").Groups[1].Value;
            await Expect(page.GetByTestId("tally-disputes-open")).ToHaveAttributeAsync("data-value", "1");

            // The same address again: the open report, not a second one.
            await page.GetByTestId("dispute-note").FillAsync(Note);
            await page.GetByTestId("dispute-submit").ClickAsync();
            await Expect(result).ToHaveAttributeAsync("data-state", "already");
            await Expect(result).ToContainTextAsync($"#{id}");

            // The operator tab lists it for the region in view, note as text (the markup in it stays text).
            await page.GetByTestId("tab-operator").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($@"/\?view=operator&region={Regex.Escape(tps.Code)}$"));
            var item = page.Locator($"[data-testid='dispute-item'][data-id='{id}']");
            await Expect(item).ToBeVisibleAsync();
            await Expect(item).ToHaveAttributeAsync("data-tps", tps.Code);
            await Expect(item.GetByTestId("dispute-item-field")).ToHaveAttributeAsync("data-field", $"votes.{candidate}");
            await Expect(item.GetByTestId("dispute-item-note")).ToHaveTextAsync(Note);
            await Expect(item.Locator("b")).ToHaveCountAsync(0);
            await session.ScreenshotAsync("operator-disputes");

            // Dismissed with a reason (the embedded gateway's writers do not authenticate): it leaves the open list.
            await item.GetByTestId("resolve").Locator("summary").ClickAsync();
            await Expect(item.GetByTestId("resolve-dismissed")).ToBeCheckedAsync();
            await item.GetByTestId("resolve-reason").FillAsync(Reason);
            await item.GetByTestId("resolve-submit").ClickAsync();
            await Expect(item).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("disputes-status")).ToContainTextAsync($"Laporan #{id} diselesaikan.");
            await Expect(page.GetByTestId("dispute-item")).ToHaveCountAsync(0);

            var report = await fixture.Gateway.GetJsonAsync($"/api/v1/disputes/{id}");
            Assert.Equal("resolved", (string?)report["status"]);
            Assert.Equal("dismissed", (string?)report["resolution"]!["outcome"]);
            Assert.Equal(Reason, (string?)report["resolution"]!["reason"]);

            // Back on the TPS view its count of open reports is back to 0.
            await page.GotoAsync($"/?contest={Governor}&region={tps.Code}");
            await Expect(page.GetByTestId("tally-disputes-open")).ToHaveAttributeAsync("data-value", "0");
        });
    }
}
