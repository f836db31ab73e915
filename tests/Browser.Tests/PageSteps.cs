using System.Globalization;
using System.Text.RegularExpressions;
using KpuOrleans.Forms;

namespace KpuOrleans.Browser.Tests;

/// <summary>What the tests do and read on the results page, through its data-testid hooks.</summary>
public static class PageSteps
{
    public static ILocator RegionName(this IPage page) => page.GetByTestId("region-name");

    public static ILocator RegionLevel(this IPage page) => page.GetByTestId("region-level");

    public static ILocator ChildLinks(this IPage page) => page.GetByTestId("child-link");

    public static ILocator ChildLink(this IPage page, string code) => page.Locator($"[data-testid='child-link'][data-code='{code}']");

    public static ILocator ChildRow(this IPage page, string code) => page.Locator($"[data-testid='child-row'][data-code='{code}']");

    public static ILocator TpsReported(this IPage page) => page.GetByTestId("tps-reported");

    public static ILocator ResultsView(this IPage page) => page.Locator("#results-view");

    /// <summary>The view of (contest, code) is on screen: its URL, its heading, its level.</summary>
    public static async Task ExpectViewAsync(this IPage page, string contest, string code, string name, string level)
    {
        await Expect(page).ToHaveURLAsync(new Regex($@"/\?contest={Regex.Escape(contest)}&region={Regex.Escape(code)}$"));
        await Expect(page.RegionName()).ToHaveAttributeAsync("data-code", code);
        await Expect(page.RegionName()).ToHaveTextAsync(name);
        await Expect(page.RegionLevel()).ToHaveAttributeAsync("data-level", level);
    }

    public static ILocator ProgressRow(this IPage page, string code) => page.Locator($"[data-testid='progress-row'][data-code='{code}']");

    /// <summary>The progress view of a region no single race covers (the nation, DI Yogyakarta) is on screen.</summary>
    public static async Task ExpectProgressViewAsync(this IPage page, string code, string name, string level)
    {
        await Expect(page).ToHaveURLAsync(new Regex($@"/\?region={Regex.Escape(code)}$"));
        await Expect(page.RegionName()).ToHaveAttributeAsync("data-code", code);
        await Expect(page.RegionName()).ToHaveTextAsync(name);
        await Expect(page.RegionLevel()).ToHaveAttributeAsync("data-level", level);
        await Expect(page.GetByTestId("progress-table")).ToBeVisibleAsync();
    }

    /// <summary>Clicks a child region's link in the table and waits for its view and its live subscriptions.</summary>
    public static async Task DrillAsync(this IPage page, string contest, string code, string name, string level)
    {
        await page.ChildLink(code).ClickAsync();
        await page.ExpectViewAsync(contest, code, name, level);
        await page.ExpectLiveAsync();
    }

    /// <summary>The hub connection is up and every subscription the view wants is in place.</summary>
    public static async Task ExpectLiveAsync(this IPage page)
    {
        await Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.ResultsView()).ToHaveAttributeAsync("data-subscribed", "true");
    }

    /// <summary>A number as the page writes it in Indonesian: 1.234.567.</summary>
    public static string Id(long n) => n.ToString("#,0", CultureInfo.InvariantCulture).Replace(',', '.');

    /// <summary>The same form with every valid vote on the first ballot number: valid, but flagged single-candidate-over-95pct.</summary>
    public static ResultForm OneSided(ResultForm form)
    {
        var first = form.Votes.Keys.Order(StringComparer.Ordinal).First();
        return form with { Votes = form.Votes.Keys.ToDictionary(k => k, k => k == first ? form.Valid : 0L) };
    }
}
