using KpuOrleans.Browser.Tests.Infrastructure;
using KpuOrleans.TestKit;

namespace KpuOrleans.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class PhotoTests(BrowserFixture fixture)
{
    private const string Governor = "PGUB-35";

    [Fact]
    public async Task A_tps_shows_its_form_pages_beside_the_numbers_opens_them_by_keyboard_and_says_when_a_page_is_missing()
    {
        var registry = Jatim.Registry;
        var race = registry.FindContest(Governor)!;
        // Kabupaten Blitar's largest district (so never the smallest one CertificationTests fills): its first village.
        var district = registry.Get("35.05").Children.Select(registry.Get).MaxBy(d => d.TpsCount)!;
        var village = registry.Get(district.Children[0]);
        var (withPhotos, waiting) = (registry.Get(village.Children[0]), registry.Get(village.Children[1]));
        var random = new Random(18_2024);

        var first = TestPng.Page(360, 480, 240, 236, 226, seed: 1);
        var second = TestPng.Page(360, 480, 226, 236, 240, seed: 4);
        var late = TestPng.Page(360, 480, 236, 240, 226, seed: 6);
        Assert.Equal(201, await fixture.Gateway.PutPhotoAsync(first));
        Assert.Equal(201, await fixture.Gateway.PutPhotoAsync(second));
        var pages = new[] { TestPng.Sha256(first), TestPng.Sha256(second) };
        await fixture.Gateway.AcceptWithPhotosAsync(SampleForms.Valid(withPhotos, race, random), pages);
        // The numbers arrive before the photo, as on a bad network.
        var accepted = await fixture.Gateway.AcceptWithPhotosAsync(SampleForms.Valid(waiting, race, random), [TestPng.Sha256(late)]);
        Assert.Contains("photo-missing", accepted.GetProperty("anomalies").EnumerateArray().Select(a => a.GetString()));

        await using var session = await fixture.OpenAsync(nameof(PhotoTests));
        await session.RunAsync(async page =>
        {
            await page.GotoAsync($"/?contest={Governor}&region={withPhotos.Code}");
            await page.ExpectViewAsync(Governor, withPhotos.Code, withPhotos.Name, "tps");
            var thumbs = page.GetByTestId("photo-pages").GetByTestId("photo-thumb");
            await Expect(thumbs).ToHaveCountAsync(2);
            await Expect(thumbs.Nth(0)).ToHaveAttributeAsync("data-sha", pages[0]);
            await Expect(thumbs.Nth(1)).ToHaveAttributeAsync("data-sha", pages[1]);
            await ExpectImageLoadedAsync(thumbs.Nth(0).Locator("img"));
            await Expect(thumbs.Nth(0).Locator("img")).ToHaveAttributeAsync("src", $"/api/v1/photos/{pages[0]}/thumb");

            // Beside the numbers: to their right, level with them.
            var numbers = (await page.GetByTestId("tps-form").BoundingBoxAsync())!;
            var thumb = (await thumbs.Nth(0).BoundingBoxAsync())!;
            Assert.True(thumb.X >= numbers.X + numbers.Width, $"the thumbnail (x={thumb.X}) is not right of the numbers (right edge {numbers.X + numbers.Width})");
            Assert.True(thumb.Y < numbers.Y + numbers.Height, $"the thumbnail (y={thumb.Y}) is below the numbers (bottom {numbers.Y + numbers.Height})");
            await session.ScreenshotAsync("tps-photos");

            // By keyboard: Enter opens the first page in full, → the next one, + zooms in, Escape closes and gives focus back.
            var viewer = page.GetByTestId("photo-viewer");
            await thumbs.Nth(0).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(viewer).ToBeVisibleAsync();
            await Expect(viewer).ToHaveAttributeAsync("data-sha", pages[0]);
            await Expect(viewer.GetByTestId("viewer-image")).ToHaveAttributeAsync("src", $"/api/v1/photos/{pages[0]}");
            await ExpectImageLoadedAsync(viewer.GetByTestId("viewer-image"), naturalWidth: 360);
            await Expect(viewer.GetByTestId("viewer-title")).ToHaveTextAsync("Foto formulir, halaman 1 dari 2");
            await Expect(viewer.GetByTestId("viewer-prev")).ToBeDisabledAsync();
            await Expect(viewer).ToHaveAttributeAsync("data-zoom", "fit");
            await page.Keyboard.PressAsync("1");
            await Expect(viewer).ToHaveAttributeAsync("data-zoom", "1");
            await Expect(viewer.GetByTestId("viewer-image")).ToHaveAttributeAsync("width", "360");
            await page.Keyboard.PressAsync("+");
            await Expect(viewer).ToHaveAttributeAsync("data-zoom", "1.5");
            await Expect(viewer.GetByTestId("viewer-image")).ToHaveAttributeAsync("width", "540");
            await page.Keyboard.PressAsync("ArrowRight");
            await Expect(viewer).ToHaveAttributeAsync("data-sha", pages[1]);
            await Expect(viewer.GetByTestId("viewer-image")).ToHaveAttributeAsync("src", $"/api/v1/photos/{pages[1]}");
            await Expect(viewer.GetByTestId("viewer-title")).ToHaveTextAsync("Foto formulir, halaman 2 dari 2");
            await Expect(viewer.GetByTestId("viewer-next")).ToBeDisabledAsync();
            await page.Keyboard.PressAsync("ArrowLeft");
            await Expect(viewer).ToHaveAttributeAsync("data-sha", pages[0]);
            await page.Keyboard.PressAsync("ArrowRight");
            await Expect(viewer).ToHaveAttributeAsync("data-sha", pages[1]);
            await page.Keyboard.PressAsync("Escape");
            await Expect(viewer).ToBeHiddenAsync();
            await Expect(thumbs.Nth(0)).ToBeFocusedAsync();

            // The history shows each version's own pages.
            var versionPhotos = page.GetByTestId("history-item").Nth(0).GetByTestId("history-photos");
            await versionPhotos.Locator("summary").ClickAsync();
            await Expect(versionPhotos.GetByTestId("photo-thumb")).ToHaveCountAsync(2);

            // The village's table: the TPS still waiting for its photo is flagged, and the filter shows it alone.
            await page.GotoAsync($"/?contest={Governor}&region={village.Code}");
            await page.ExpectLiveAsync();
            await Expect(page.ChildRow(waiting.Code)).ToHaveAttributeAsync("data-photo-missing", "1");
            await Expect(page.ChildRow(waiting.Code).GetByTestId("child-photo-missing")).ToHaveTextAsync("Foto belum masuk");
            await Expect(page.ChildRow(withPhotos.Code)).ToHaveAttributeAsync("data-photo-missing", "0");
            await page.GetByTestId("filter-photo-missing").CheckAsync();
            await Expect(page.ChildRow(waiting.Code)).ToBeVisibleAsync();
            await Expect(page.ChildRow(withPhotos.Code)).ToBeHiddenAsync();
            await Expect(page.Locator("[data-testid='child-row']:visible")).ToHaveCountAsync(1);
            await page.GetByTestId("filter-photo-missing").UncheckAsync();
            await Expect(page.ChildRow(withPhotos.Code)).ToBeVisibleAsync();

            // The TPS whose page is missing: a placeholder in words, no broken image; the photo arriving replaces it live.
            await page.ChildLink(waiting.Code).ClickAsync();
            await page.ExpectViewAsync(Governor, waiting.Code, waiting.Name, "tps");
            await page.ExpectLiveAsync();
            var waitingThumb = page.GetByTestId("photo-pages").GetByTestId("photo-thumb");
            await Expect(waitingThumb).ToHaveAttributeAsync("data-missing", "true");
            await Expect(waitingThumb.GetByTestId("photo-missing")).ToHaveTextAsync("Foto belum diterima");
            await Expect(waitingThumb.Locator("img")).ToHaveCountAsync(0);
            await Expect(page.GetByTestId("tally-photo-missing")).ToHaveAttributeAsync("data-value", "1");
            await session.ScreenshotAsync("tps-photo-missing");
            await waitingThumb.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(viewer.GetByTestId("viewer-missing")).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Escape");
            await Expect(viewer).ToBeHiddenAsync();

            Assert.Equal(201, await fixture.Gateway.PutPhotoAsync(late));
            await Expect(waitingThumb).ToHaveAttributeAsync("data-missing", "false");
            await ExpectImageLoadedAsync(waitingThumb.Locator("img"));
            await Expect(page.GetByTestId("tally-photo-missing")).ToHaveAttributeAsync("data-value", "0");
        });
    }

    [Fact]
    public async Task At_375px_the_photo_sits_below_the_numbers_without_horizontal_scrolling_and_the_viewer_fills_the_screen()
    {
        var registry = Jatim.Registry;
        var race = registry.FindContest(Governor)!;
        var district = registry.Get("35.05").Children.Select(registry.Get).MaxBy(d => d.TpsCount)!;
        var tps = registry.Get(registry.Get(district.Children[1]).Children[0]);
        var photo = TestPng.Page(1200, 1600, 238, 234, 224, seed: 2);
        Assert.Contains(await fixture.Gateway.PutPhotoAsync(photo), new[] { 200, 201 });
        await fixture.Gateway.AcceptWithPhotosAsync(SampleForms.Valid(tps, race, new Random(375)), [TestPng.Sha256(photo)]);

        await using var session = await fixture.OpenAsync(nameof(At_375px_the_photo_sits_below_the_numbers_without_horizontal_scrolling_and_the_viewer_fills_the_screen), width: 375, height: 812);
        await session.RunAsync(async page =>
        {
            await page.GotoAsync($"/?contest={Governor}&region={tps.Code}");
            await page.ExpectViewAsync(Governor, tps.Code, tps.Name, "tps");
            var thumb = page.GetByTestId("photo-pages").GetByTestId("photo-thumb");
            await thumb.ScrollIntoViewIfNeededAsync();
            await Expect(thumb).ToBeInViewportAsync();
            await ExpectImageLoadedAsync(thumb.Locator("img"));

            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"the TPS view is {overflow}px wider than 375px");
            var numbers = (await page.GetByTestId("tps-form").BoundingBoxAsync())!;
            var box = (await thumb.BoundingBoxAsync())!;
            Assert.True(box.Y >= numbers.Y + numbers.Height, $"the photo (y={box.Y}) is not below the numbers (bottom {numbers.Y + numbers.Height})");
            Assert.True(box.X >= 0 && box.X + box.Width <= 375, $"the photo ({box.X}..{box.X + box.Width}) does not fit in 375px");
            await session.ScreenshotAsync("tps-375px");

            await thumb.ClickAsync();
            var viewer = page.GetByTestId("photo-viewer");
            await Expect(viewer).ToBeVisibleAsync();
            await ExpectImageLoadedAsync(viewer.GetByTestId("viewer-image"), naturalWidth: 1200);
            var screen = (await viewer.BoundingBoxAsync())!;
            Assert.True(screen.Width >= 375 && screen.Height >= 812, $"the viewer is {screen.Width}x{screen.Height}, not the whole 375x812 screen");
            // Fitted, the whole photo is on screen; every tool is reachable.
            var image = (await viewer.GetByTestId("viewer-image").BoundingBoxAsync())!;
            Assert.True(image.Width <= 375, $"the fitted photo is {image.Width}px wide");
            await Expect(viewer.GetByTestId("viewer-close")).ToBeInViewportAsync();
            await Expect(viewer.GetByTestId("viewer-zoom-in")).ToBeInViewportAsync();
            await session.ScreenshotAsync("viewer-375px");
            await viewer.GetByTestId("viewer-close").ClickAsync();
            await Expect(viewer).ToBeHiddenAsync();
        });
    }

    private static async Task ExpectImageLoadedAsync(ILocator image, int? naturalWidth = null)
    {
        await Expect(image).ToBeVisibleAsync();
        // A broken image is complete with no pixels: only a decoded one has a natural width.
        await Eventually.HoldsAsync(async () =>
        {
            var width = await image.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : -1");
            return (width > 0 && (naturalWidth is null || width == naturalWidth), $"naturalWidth {width}");
        }, TimeSpan.FromSeconds(20), "the image loaded" + (naturalWidth is { } w ? $" at {w}px wide" : ""));
    }
}
