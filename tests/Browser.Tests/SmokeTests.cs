using System.Collections.Concurrent;
using KpuOrleans.Browser.Tests.Infrastructure;

namespace KpuOrleans.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SmokeTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_page_works_at_375px_by_keyboard_with_no_console_error_and_no_request_off_this_host()
    {
        await using var session = await fixture.OpenAsync(nameof(SmokeTests), width: 375, height: 812);
        var errors = new ConcurrentQueue<string>();
        var offHost = new ConcurrentQueue<string>();
        var requests = 0;
        session.Context.Request += (_, request) =>
        {
            Interlocked.Increment(ref requests);
            if (!IsLocal(request.Url)) offHost.Enqueue($"{request.Method} {request.Url}");
        };
        session.Page.WebSocket += (_, socket) => { if (!IsLocal(socket.Url)) offHost.Enqueue($"websocket {socket.Url}"); };
        session.Page.Console += (_, message) => { if (message.Type == "error") errors.Enqueue($"console: {message.Text} at {message.Location}"); };
        session.Page.PageError += (_, error) => errors.Enqueue($"page error: {error}");

        await session.RunAsync(async page =>
        {
            await page.GotoAsync("/");
            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-ready", "true");
            await page.ExpectViewAsync("PGUB-35", "35", "Jawa Timur", "province");
            await Expect(page.ChildLinks()).ToHaveCountAsync(38);
            await page.ExpectLiveAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "id");

            // Nothing wider than a small phone: the children table scrolls inside its own box.
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"the page is {overflow}px wider than 375px");
            await session.ScreenshotAsync("375px");

            // By keyboard: Enter on a child link drills down and moves focus to the new heading.
            await page.ChildLink("35.07").FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await page.ExpectViewAsync("PGUB-35", "35.07", "Kabupaten Malang", "regency");
            await Expect(page.RegionName()).ToBeFocusedAsync();

            // Arrow keys move between the tabs.
            await page.GetByTestId("tab-results").FocusAsync();
            await page.Keyboard.PressAsync("ArrowRight");
            await Expect(page.GetByTestId("tab-operator")).ToHaveAttributeAsync("aria-selected", "true");
            await Expect(page.GetByTestId("panel-operator")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("panel-results")).ToBeHiddenAsync();
            await Expect(page.GetByTestId("panel-operator")).ToHaveAttributeAsync("data-subscribed", "true");
            await page.Keyboard.PressAsync("ArrowLeft");
            await Expect(page.GetByTestId("panel-results")).ToBeVisibleAsync();
            await page.ExpectViewAsync("PGUB-35", "35.07", "Kabupaten Malang", "regency");

            // English and back.
            await page.GetByTestId("lang-toggle").ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Pilkada 2024 results, East Java");
            await Expect(page.GetByTestId("tab-results")).ToHaveTextAsync("Results");
            await Expect(page.RegionLevel()).ToHaveTextAsync("Regency/City");
            await page.GetByTestId("lang-toggle").ClickAsync();
            await Expect(page.Locator("h1")).ToHaveTextAsync("Hasil Pilkada 2024 Jawa Timur");
            await Expect(page.RegionLevel()).ToHaveTextAsync("Kabupaten/Kota");
            await page.ExpectLiveAsync();
        });

        Assert.True(Volatile.Read(ref requests) > 5, $"only {requests} requests seen: the listener did not work");
        Assert.Empty(offHost);
        Assert.Empty(errors);
    }

    private static bool IsLocal(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return false;
        if (uri.Scheme is "data" or "blob" or "about") return true;
        return uri.Host is "127.0.0.1" or "localhost" or "[::1]";
    }
}
