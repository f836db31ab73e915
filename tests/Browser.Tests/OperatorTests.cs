using System.Text.Json;
using KpuOrleans.Browser.Tests.Infrastructure;
using KpuOrleans.TestKit;

namespace KpuOrleans.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class OperatorTests(BrowserFixture fixture)
{
    private const string Rule = "single-candidate-over-95pct";

    [Fact]
    public async Task A_flagged_form_appears_at_the_top_of_the_operator_list_live_and_links_to_its_tps()
    {
        var registry = Jatim.Registry;
        var race = registry.FindContest("PGUB-35")!;
        // A village no other browser test writes to: the first of Kabupaten Pacitan.
        var village = registry.Get(registry.Get(registry.Get("35.01").Children[0]).Children[0]);
        var (first, second) = (registry.Get(village.Children[0]), registry.Get(village.Children[1]));
        var random = new Random(35);

        await using var session = await fixture.OpenAsync(nameof(OperatorTests));
        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/?view=operator");
            await Expect(page.GetByTestId("tab-operator")).ToHaveAttributeAsync("aria-selected", "true");
            await Expect(page.GetByTestId("panel-operator")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("panel-operator")).ToHaveAttributeAsync("data-subscribed", "true");

            var items = page.GetByTestId("anomaly-item");
            foreach (var tps in new[] { first, second })
            {
                var accepted = await fixture.Gateway.AcceptAsync(PageSteps.OneSided(SampleForms.Valid(tps, race, random)));
                Assert.Contains(Rule, accepted.GetProperty("anomalies").EnumerateArray().Select(a => a.GetString()));
                await Expect(items.First).ToHaveAttributeAsync("data-tps", tps.Code);
                await Expect(items.First.Locator($"[data-rule='{Rule}']")).ToHaveTextAsync("Satu calon di atas 95% suara sah");
                await Expect(items.First).ToContainTextAsync(village.Name);
            }
            // Newest first.
            await Expect(items.Nth(1)).ToHaveAttributeAsync("data-tps", first.Code);
            await session.ScreenshotAsync("operator");

            // Each entry links to its TPS view.
            await items.First.GetByTestId("anomaly-link").ClickAsync();
            await Expect(page.GetByTestId("panel-results")).ToBeVisibleAsync();
            await page.ExpectViewAsync("PGUB-35", second.Code, second.Name, "tps");
            await Expect(page.GetByTestId("tps-form")).ToHaveAttributeAsync("data-version", "1");
            await Expect(page.GetByTestId("tps-form").Locator("[data-field='anomalies'] dd")).ToContainTextAsync("Satu calon di atas 95% suara sah");
        });
    }
}
