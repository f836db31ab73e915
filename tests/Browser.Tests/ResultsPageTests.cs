using KpuOrleans.Browser.Tests.Infrastructure;
using KpuOrleans.TestKit;

namespace KpuOrleans.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ResultsPageTests(BrowserFixture fixture)
{
    private const string Governor = "PGUB-35";
    private const string Village = "35.78.01.1001"; // Karang Pilang, Karang Pilang, Kota Surabaya

    [Fact]
    public async Task Drilling_down_to_a_village_shows_its_forms_arrive_live_then_a_tps_and_its_correction()
    {
        var registry = Jatim.Registry;
        var race = registry.FindContest(Governor)!;
        var village = registry.Get(Village);
        var stations = village.Children.Take(3).Select(registry.Get).ToArray();
        var random = new Random(20241127);
        var forms = stations.Select(tps => SampleForms.Valid(tps, race, random)).ToArray();

        await using var session = await fixture.OpenAsync(nameof(ResultsPageTests));
        await session.RunAsync(async page =>
        {
            var documentLoads = 0;
            page.Load += (_, _) => Interlocked.Increment(ref documentLoads);

            // The province, as anyone opening the site sees it.
            await page.GotoAsync("/");
            await page.ExpectViewAsync(Governor, "35", "Jawa Timur", "province");
            await Expect(page.GetByTestId("contest-select")).ToHaveValueAsync(Governor);
            await Expect(page.ChildLinks()).ToHaveCountAsync(38);
            await Expect(page.GetByTestId("candidate")).ToHaveCountAsync(race.Candidates.Count);
            await page.ExpectLiveAsync();

            // Down the tree by clicking: regency, district, village.
            await page.DrillAsync(Governor, "35.78", "Kota Surabaya", "regency");
            await page.DrillAsync(Governor, "35.78.01", "Karang Pilang", "district");
            await page.DrillAsync(Governor, Village, "Karang Pilang", "village");
            await Expect(page.GetByTestId("breadcrumb").GetByRole(AriaRole.Link))
                .ToHaveTextAsync(["Jawa Timur", "Kota Surabaya", "Karang Pilang", "Karang Pilang"]);
            await Expect(page.ChildLinks()).ToHaveCountAsync(village.Children.Count);
            await Expect(page.TpsReported()).ToHaveAttributeAsync("data-expected", village.TpsCount.ToString());
            await Expect(page.TpsReported()).ToHaveAttributeAsync("data-reported", "0");
            await Expect(page.GetByTestId("tally-valid")).ToHaveAttributeAsync("data-value", "0");

            // Forms arrive through the API; the page follows through the hub, without a reload.
            var loadsBefore = Volatile.Read(ref documentLoads);
            await page.EvaluateAsync("() => { window.kpuSameDocument = true; }");
            long valid = 0;
            for (var i = 0; i < forms.Length; i++)
            {
                await fixture.Gateway.AcceptAsync(forms[i]);
                valid += forms[i].Valid;
                await Expect(page.GetByTestId("tally-valid")).ToHaveAttributeAsync("data-value", valid.ToString());
                await Expect(page.TpsReported()).ToHaveAttributeAsync("data-reported", (i + 1).ToString());
                await Expect(page.ChildRow(stations[i].Code).GetByTestId("child-reported")).ToHaveTextAsync("1/1 (100,0%)");
            }
            await Expect(page.GetByTestId("tally-valid")).ToHaveTextAsync(PageSteps.Id(valid));
            await Expect(page.GetByTestId("tally-invalid")).ToHaveAttributeAsync("data-value", forms.Sum(f => f.Invalid).ToString());
            await Expect(page.GetByTestId("tally-voted")).ToHaveAttributeAsync("data-value", forms.Sum(f => f.Voted.Total).ToString());
            await Expect(page.TpsReported()).ToHaveTextAsync($"3 dari {village.TpsCount} TPS");
            foreach (var candidate in race.Candidates)
            {
                var votes = forms.Sum(f => f.Votes[candidate.Number]);
                await Expect(page.Locator($"[data-testid='candidate'][data-number='{candidate.Number}'] [data-testid='candidate-votes']"))
                    .ToHaveAttributeAsync("data-value", votes.ToString());
            }
            Assert.True(await page.EvaluateAsync<bool>("() => window.kpuSameDocument === true"), "the page was reloaded");
            Assert.Equal(loadsBefore, Volatile.Read(ref documentLoads));

            var shot = await session.ScreenshotAsync("village");
            // The README's picture: written when missing, or refreshed on demand (KPU_UPDATE_SCREENSHOT=1), so that
            // an ordinary test run leaves the work tree clean.
            var readmeShot = Path.Combine(Repository.Root, "docs", "screenshot.png");
            if (!File.Exists(readmeShot) || Environment.GetEnvironmentVariable("KPU_UPDATE_SCREENSHOT") == "1") File.Copy(shot, readmeShot, overwrite: true);

            // One TPS: its accepted form, then a correction that shows up in its history while we look at it.
            var tps = stations[0];
            await page.DrillAsync(Governor, tps.Code, tps.Name, "tps");
            var form = page.GetByTestId("tps-form");
            await Expect(form).ToHaveAttributeAsync("data-version", "1");
            await Expect(form.Locator("[data-field='registered'] dd")).ToHaveAttributeAsync("data-value", forms[0].Registered.ToString());
            await Expect(form.Locator("[data-field='valid'] dd")).ToHaveAttributeAsync("data-value", forms[0].Valid.ToString());
            await Expect(form.Locator("[data-field='ballots.received'] dd")).ToHaveAttributeAsync("data-value", forms[0].Ballots.Received.ToString());
            foreach (var (number, votes) in forms[0].Votes)
            {
                await Expect(form.Locator($"[data-field='votes.{number}'] dd")).ToHaveAttributeAsync("data-value", votes.ToString());
            }
            await Expect(page.GetByTestId("history-item")).ToHaveCountAsync(1);

            var correction = SampleForms.Correction(forms[0], tps, race, random);
            await fixture.Gateway.AcceptAsync(correction);
            await Expect(form).ToHaveAttributeAsync("data-version", "2");
            await Expect(form.Locator("[data-field='valid'] dd")).ToHaveAttributeAsync("data-value", correction.Valid.ToString());
            await Expect(form.Locator("[data-field='reason'] dd")).ToHaveTextAsync(correction.Reason!);
            var history = page.GetByTestId("history").GetByTestId("history-item");
            await Expect(history).ToHaveCountAsync(2);
            await Expect(history.Nth(0)).ToHaveAttributeAsync("data-version", "1");
            await Expect(history.Nth(1)).ToHaveAttributeAsync("data-version", "2");
            await Expect(history.Nth(1)).ToContainTextAsync(correction.Reason!);
            await session.ScreenshotAsync("tps");

            // Back to the village, which counts the corrected form.
            await page.GoBackAsync();
            await page.ExpectViewAsync(Governor, Village, "Karang Pilang", "village");
            var corrected = valid - forms[0].Valid + correction.Valid;
            await Expect(page.GetByTestId("tally-valid")).ToHaveAttributeAsync("data-value", corrected.ToString());
            await Expect(page.TpsReported()).ToHaveAttributeAsync("data-reported", "3");
            Assert.Equal(loadsBefore, Volatile.Read(ref documentLoads));
        });
    }

    [Fact]
    public async Task A_direct_link_opens_its_view_and_a_regency_race_jumps_to_its_regency()
    {
        await using var session = await fixture.OpenAsync(nameof(A_direct_link_opens_its_view_and_a_regency_race_jumps_to_its_regency));
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/?contest=PGUB-35&region=35.78.01");
            await page.ExpectViewAsync(Governor, "35.78.01", "Karang Pilang", "district");
            await Expect(page.GetByTestId("breadcrumb").GetByRole(AriaRole.Link)).ToHaveCountAsync(3);

            // The mayor race of Surabaya covers this district: the page stays here.
            await page.GetByTestId("contest-select").SelectOptionAsync("PWAL-35.78");
            await page.ExpectViewAsync("PWAL-35.78", "35.78.01", "Karang Pilang", "district");
            await Expect(page.GetByTestId("candidate-name")).ToContainTextAsync(["Kolom kosong"]);

            // The regent race of Kab. Malang does not: the page goes to its regency.
            await page.GetByTestId("contest-select").SelectOptionAsync("PBUP-35.07");
            await page.ExpectViewAsync("PBUP-35.07", "35.07", "Kabupaten Malang", "regency");
            await page.ExpectLiveAsync();

            await page.GoBackAsync();
            await page.ExpectViewAsync("PWAL-35.78", "35.78.01", "Karang Pilang", "district");

            // A link to a race where it does not run says so and offers the race's own regency.
            await page.GotoAsync("/?contest=PBUP-35.07&region=35.78");
            await Expect(page.GetByTestId("not-covered")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("open-scope")).ToHaveTextAsync("Buka Kabupaten Malang");
            await page.GetByTestId("open-scope").ClickAsync();
            await page.ExpectViewAsync("PBUP-35.07", "35.07", "Kabupaten Malang", "regency");

            // An unknown region is an error on the page, not a blank one.
            await page.GotoAsync("/?contest=PGUB-35&region=99.99");
            await Expect(page.GetByTestId("view-error")).ToContainTextAsync("99.99");
        });
    }
}
