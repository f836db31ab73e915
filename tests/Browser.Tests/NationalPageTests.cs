using KpuOrleans.Browser.Tests.Infrastructure;
using KpuOrleans.Registry;

namespace KpuOrleans.Browser.Tests;

/// <summary>
/// The page on the whole country's registry: the nation lists its provinces with every race's progress (read again
/// every few seconds from GET /api/v1/progress/0), then a province opens today's drill-down (API.md, "The whole
/// country"). The Jawa Timur page (the other tests here) still starts at its province.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class NationalPageTests(BrowserFixture browsers, NationalGateway national) : IClassFixture<NationalGateway>
{
    private const string Jakarta = "31";
    private const string Yogyakarta = "34";

    private static RegionRegistry Registry => Indonesia.Registry;

    [Fact]
    public async Task The_nation_lists_38_provinces_with_their_races_progress_and_Jakarta_drills_into_its_governor_race()
    {
        var random = new Random(20241127);
        var jakartaTps = Registry.TpsUnder(Jakarta).First();
        var jakartaForm = SampleForms.Valid(jakartaTps, Registry.FindContest("PGUB-31")!, random);
        var yogyaTps = Registry.TpsUnder(Yogyakarta).First();
        var yogyaRace = Assert.Single(yogyaTps.Contests);
        var yogyaForm = SampleForms.Valid(yogyaTps, yogyaRace, random);
        var yogyaRegency = Registry.Get(yogyaRace.Scope);
        var jakarta = Registry.Get(Jakarta);
        var yogya = Registry.Get(Yogyakarta);

        await using var session = await browsers.OpenAsync(national.Gateway, nameof(NationalPageTests));
        await session.RunAsync(async page =>
        {
            var documentLoads = 0;
            page.Load += (_, _) => Interlocked.Increment(ref documentLoads);

            // The root is the nation: its provinces, each with the progress of every race counting votes in it.
            await page.GotoAsync("/");
            await page.ExpectProgressViewAsync("0", "Indonesia", "nation");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Hasil Pilkada 2024 Indonesia");
            await Expect(page.GetByTestId("progress-row")).ToHaveCountAsync(38);
            await Expect(page.GetByTestId("progress-summary")).ToHaveAttributeAsync("data-races", "545");
            // Forms of this class's other tests may be in already (elsewhere than Jakarta and Yogyakarta).
            var formsBefore = long.Parse((await page.GetByTestId("progress-summary").GetAttributeAsync("data-reported"))!);
            await Expect(page.GetByTestId("breadcrumb").GetByRole(AriaRole.Link)).ToHaveTextAsync(["Indonesia"]);

            // Jakarta votes for its governor only; Yogyakarta has no governor race, a race per regency instead.
            var jakartaRow = page.ProgressRow(Jakarta);
            await Expect(jakartaRow.GetByTestId("progress-link")).ToHaveTextAsync(jakarta.Name);
            var jakartaGovernor = jakartaRow.GetByTestId("governor-cell");
            await Expect(jakartaGovernor).ToHaveAttributeAsync("data-contest", "PGUB-31");
            await Expect(jakartaGovernor).ToHaveAttributeAsync("data-expected", jakarta.TpsCount.ToString());
            await Expect(jakartaGovernor).ToHaveAttributeAsync("data-reported", "0");
            await Expect(jakartaGovernor).ToHaveAttributeAsync("data-certified", "false");
            await Expect(jakartaRow.GetByTestId("local-cell")).ToHaveAttributeAsync("data-races", "0");
            await Expect(jakartaRow.GetByTestId("no-local-race")).ToBeVisibleAsync();

            var yogyaRow = page.ProgressRow(Yogyakarta);
            await Expect(yogyaRow.GetByTestId("no-governor-race")).ToBeVisibleAsync();
            var yogyaLocal = yogyaRow.GetByTestId("local-cell");
            await Expect(yogyaLocal).ToHaveAttributeAsync("data-races", yogya.Children.Count.ToString());
            await Expect(yogyaLocal).ToHaveAttributeAsync("data-expected", yogya.TpsCount.ToString());
            await Expect(yogyaLocal).ToHaveAttributeAsync("data-reported", "0");
            await Expect(page.ProgressRow("35").GetByTestId("local-cell")).ToHaveAttributeAsync("data-races", "38");

            // Forms arrive; the national view follows its refreshed snapshot, without a reload.
            var loadsBefore = Volatile.Read(ref documentLoads);
            await national.Gateway.AcceptAsync(jakartaForm);
            await national.Gateway.AcceptAsync(yogyaForm);
            await Expect(jakartaGovernor).ToHaveAttributeAsync("data-reported", "1");
            await Expect(jakartaGovernor.GetByTestId("progress-reported")).ToContainTextAsync($"1/{PageSteps.Id(jakarta.TpsCount)}");
            await Expect(yogyaLocal).ToHaveAttributeAsync("data-reported", "1");
            await Expect(page.GetByTestId("progress-summary")).ToHaveAttributeAsync("data-reported", (formsBefore + 2).ToString());
            await Expect(page.ProgressRow("35").GetByTestId("governor-cell")).ToHaveAttributeAsync("data-reported", "0");
            var yogyaRaceItem = yogyaRow.Locator($"[data-testid='local-race'][data-contest='{yogyaRace.Id}']");
            await Expect(yogyaRaceItem).ToHaveAttributeAsync("data-reported", "1");
            Assert.Equal(loadsBefore, Volatile.Read(ref documentLoads));
            await session.ScreenshotAsync("nation");

            // A click on Jakarta opens today's drill-down at its governor race, with the new form in it.
            await jakartaRow.GetByTestId("progress-link").ClickAsync();
            await page.ExpectViewAsync("PGUB-31", Jakarta, jakarta.Name, "province");
            await page.ExpectLiveAsync();
            await Expect(page.TpsReported()).ToHaveAttributeAsync("data-reported", "1");
            await Expect(page.TpsReported()).ToHaveAttributeAsync("data-expected", jakarta.TpsCount.ToString());
            await Expect(page.GetByTestId("tally-valid")).ToHaveAttributeAsync("data-value", jakartaForm.Valid.ToString());
            await Expect(page.GetByTestId("breadcrumb").GetByRole(AriaRole.Link)).ToHaveTextAsync(["Indonesia", jakarta.Name]);
            await Expect(page.ChildLinks()).ToHaveCountAsync(jakarta.Children.Count);

            // The breadcrumb leads back to Indonesia.
            await page.GetByTestId("breadcrumb").GetByRole(AriaRole.Link, new() { Name = "Indonesia" }).ClickAsync();
            await page.ExpectProgressViewAsync("0", "Indonesia", "nation");
            await Expect(page.ProgressRow(Jakarta).GetByTestId("governor-cell")).ToHaveAttributeAsync("data-reported", "1");

            // Yogyakarta: no race covers the province, so it shows its regencies' races; one of them opens its race.
            await page.ProgressRow(Yogyakarta).GetByTestId("progress-link").ClickAsync();
            await page.ExpectProgressViewAsync(Yogyakarta, yogya.Name, "province");
            await Expect(page.GetByTestId("no-race-here")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("progress-row")).ToHaveCountAsync(yogya.Children.Count);
            var regencyRow = page.ProgressRow(yogyaRegency.Code);
            await Expect(regencyRow.GetByTestId("local-cell")).ToHaveAttributeAsync("data-contest", yogyaRace.Id);
            await Expect(regencyRow.GetByTestId("local-cell")).ToHaveAttributeAsync("data-reported", "1");
            await Expect(page.GetByTestId("breadcrumb").GetByRole(AriaRole.Link)).ToHaveTextAsync(["Indonesia", yogya.Name]);
            await regencyRow.GetByTestId("progress-link").ClickAsync();
            await page.ExpectViewAsync(yogyaRace.Id, yogyaRegency.Code, yogyaRegency.Name, "regency");
            await page.ExpectLiveAsync();
            await Expect(page.TpsReported()).ToHaveAttributeAsync("data-reported", "1");
            await Expect(page.GetByTestId("tally-valid")).ToHaveAttributeAsync("data-value", yogyaForm.Valid.ToString());
            await Expect(page.GetByTestId("breadcrumb").GetByRole(AriaRole.Link)).ToHaveTextAsync(["Indonesia", yogya.Name, yogyaRegency.Name]);

            // Back, through the history, to the province without a governor race.
            await page.GoBackAsync();
            await page.ExpectProgressViewAsync(Yogyakarta, yogya.Name, "province");
            Assert.Equal(loadsBefore, Volatile.Read(ref documentLoads));
        });
    }

    [Fact]
    public async Task A_race_certified_up_to_its_regency_shows_certified_on_the_national_page()
    {
        // The smallest race of the country: Papua's regency 91.19, 48 TPS in 5 districts.
        var regency = Registry.Get("91.19");
        var race = Registry.FindContest("PBUP-91.19")!;
        var random = new Random(1919);
        await using var session = await browsers.OpenAsync(national.Gateway, nameof(A_race_certified_up_to_its_regency_shows_certified_on_the_national_page));
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await page.ExpectProgressViewAsync("0", "Indonesia", "nation");
            var papua = page.ProgressRow("91");
            var item = papua.Locator($"[data-testid='local-race'][data-contest='{race.Id}']");
            await Expect(item).ToHaveAttributeAsync("data-certified", "false");
            await Expect(papua.GetByTestId("local-cell")).ToHaveAttributeAsync("data-certified", "0");

            foreach (var tps in Registry.TpsUnder(regency.Code)) await national.Gateway.AcceptAsync(SampleForms.Valid(tps, race, random));
            foreach (var district in regency.Children)
            {
                var (status, body) = await national.Gateway.CertifyAsync(race.Id, district);
                Assert.True(status == 201, $"certify {district}: expected 201, got {status}: {body}");
            }
            var (regencyStatus, certificate) = await national.Gateway.CertifyAsync(race.Id, regency.Code);
            Assert.True(regencyStatus == 201, $"certify {regency.Code}: expected 201, got {regencyStatus}: {certificate}");

            // The next snapshot carries it: the race, its province's count, the national count; the governor race is not.
            await Expect(item).ToHaveAttributeAsync("data-certified", "true");
            await Expect(item).ToHaveAttributeAsync("data-reported", regency.TpsCount.ToString());
            await Expect(item.GetByTestId("progress-certified")).ToHaveTextAsync("✓ Tersertifikasi");
            await Expect(papua.GetByTestId("local-cell")).ToHaveAttributeAsync("data-certified", "1");
            await Expect(papua.GetByTestId("governor-cell")).ToHaveAttributeAsync("data-certified", "false");
            await Expect(page.GetByTestId("progress-summary")).ToHaveAttributeAsync("data-certified", "1");
            await papua.Locator("details.race-list summary").ClickAsync();
            await Expect(item).ToBeVisibleAsync();
            await session.ScreenshotAsync("certified");
        });
    }

    [Fact]
    public async Task The_national_table_fits_375px_and_works_by_keyboard()
    {
        var jakarta = Registry.Get(Jakarta);
        await using var session = await browsers.OpenAsync(national.Gateway, nameof(The_national_table_fits_375px_and_works_by_keyboard), width: 375, height: 812);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        session.Page.Console += (_, message) => { if (message.Type == "error") errors.Enqueue($"console: {message.Text} at {message.Location}"); };
        session.Page.PageError += (_, error) => errors.Enqueue($"page error: {error}");
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
            await page.ExpectProgressViewAsync("0", "Indonesia", "nation");
            await Expect(page.GetByTestId("progress-row")).ToHaveCountAsync(38);

            // Table semantics: a caption, column headers, each province a row header.
            var table = page.GetByTestId("progress-table");
            await Expect(table.Locator("caption")).ToContainTextAsync("Indonesia");
            await Expect(table.Locator("thead th[scope='col']")).ToHaveCountAsync(3);
            await Expect(table.Locator("tbody th[scope='row']")).ToHaveCountAsync(38);

            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"the page is {overflow}px wider than 375px");
            await session.ScreenshotAsync("nation-375px");

            // A province's races open by keyboard, then Enter on its link drills down and focuses the new heading.
            var details = page.ProgressRow("35").Locator("details.race-list");
            await details.Locator("summary").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(details).ToHaveAttributeAsync("open", "");
            await Expect(details.GetByTestId("local-race")).ToHaveCountAsync(38);

            await page.ProgressRow(Jakarta).GetByTestId("progress-link").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.ExpectViewAsync("PGUB-31", Jakarta, jakarta.Name, "province");
            await Expect(page.RegionName()).ToBeFocusedAsync();

            // English names the country too.
            await page.GetByTestId("lang-toggle").ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Pilkada 2024 results, Indonesia");
            await page.GetByTestId("lang-toggle").ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Hasil Pilkada 2024 Indonesia");

            // The operator tab lists the reports of the whole country, and comes back to the same view.
            await page.GetByTestId("breadcrumb").GetByRole(AriaRole.Link, new() { Name = "Indonesia" }).ClickAsync();
            await page.ExpectProgressViewAsync("0", "Indonesia", "nation");
            await page.GetByTestId("tab-operator").ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/\?view=operator$"));
            await Expect(page.GetByTestId("disputes-status")).ToHaveAttributeAsync("data-state", "loaded");
            await page.GetByTestId("tab-results").ClickAsync();
            await page.ExpectProgressViewAsync("0", "Indonesia", "nation");
        });
        Assert.Empty(errors);
    }
}
