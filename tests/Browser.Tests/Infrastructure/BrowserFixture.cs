namespace KpuOrleans.Browser.Tests.Infrastructure;

/// <summary>One gateway process and one Playwright driver for the browser tests; each test opens its own browser.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public GatewayServer Gateway { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Every expectation waits on the page for up to this long; none of them sleeps.
        SetDefaultExpectTimeout(20_000);
        await SystemChromium.EnsureInstalledAsync();
        Gateway = await GatewayServer.StartAsync();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
    }

    /// <summary>A fresh Chromium with a fresh temporary profile, showing nothing yet.</summary>
    public Task<BrowserSession> OpenAsync(string name, int width = 1280, int height = 900) =>
        OpenAsync(Gateway, name, width, height);

    /// <summary>The same, on another gateway (the national one).</summary>
    public Task<BrowserSession> OpenAsync(GatewayServer gateway, string name, int width = 1280, int height = 900) =>
        BrowserSession.StartAsync(Playwright, gateway.Address, name, new ViewportSize { Width = width, Height = height });

    public async Task DisposeAsync()
    {
        Playwright?.Dispose();
        if (Gateway is not null) await Gateway.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>A Chromium process (Debian's) with its own temporary user-data dir, and its first page.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly string _profile;

    private BrowserSession(IBrowserContext context, IPage page, string profile, string name)
    {
        Context = context;
        Page = page;
        _profile = profile;
        Name = name;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public string Name { get; }

    public static string ScreenshotFolder { get; } =
        Directory.CreateDirectory(Path.Combine(Repository.TestResults, "screenshots")).FullName;

    public static async Task<BrowserSession> StartAsync(IPlaywright playwright, Uri baseUrl, string name, ViewportSize viewport)
    {
        var profile = Directory.CreateTempSubdirectory("kpu-chromium-").FullName;
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = SystemChromium.ExecutablePath,
                Args = SystemChromium.Args,
                Headless = true,
                BaseURL = baseUrl.ToString(),
                ViewportSize = viewport,
                TimezoneId = "Asia/Jakarta",
                Timeout = 60_000,
            });
            context.SetDefaultTimeout(20_000);
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            return new BrowserSession(context, page, profile, name);
        }
        catch
        {
            TryDelete(profile);
            throw;
        }
    }

    /// <summary>A full-page screenshot under TestResults/screenshots; its path.</summary>
    public async Task<string> ScreenshotAsync(string label)
    {
        var path = Path.Combine(ScreenshotFolder, $"{Name}-{label}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Runs the test body; when it fails, keeps a screenshot of what the page showed.</summary>
    public async Task RunAsync(Func<IPage, Task> body)
    {
        try
        {
            await body(Page);
        }
        catch
        {
            try { await ScreenshotAsync("failure"); } catch (PlaywrightException) { /* the page is gone */ }
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.CloseAsync();
        }
        finally
        {
            TryDelete(_profile);
        }
    }

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* Chromium may still be writing while it exits: a leftover temp folder is harmless */ }
        catch (UnauthorizedAccessException) { }
    }
}
