using System.Text.RegularExpressions;
using KpuOrleans.Browser.Tests.Infrastructure;
using KpuOrleans.TestKit;

namespace KpuOrleans.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ReconnectTests(BrowserFixture fixture)
{
    [Fact]
    public async Task After_a_gateway_restart_the_page_reconnects_resubscribes_and_follows_the_new_state()
    {
        var registry = Jatim.Registry;
        var race = registry.FindContest("PGUB-35")!;
        var village = registry.Get(registry.Get(registry.Get("35.15").Children[0]).Children[0]); // Kab. Sidoarjo
        var (first, second) = (registry.Get(village.Children[0]), registry.Get(village.Children[1]));
        var random = new Random(1515);

        // A gateway of its own, so that the shared one keeps running for the other tests.
        var gateway = await GatewayServer.StartAsync();
        var port = gateway.Address.Port;
        try
        {
            await using var session = await BrowserSession.StartAsync(fixture.Playwright, gateway.Address, nameof(ReconnectTests),
                new ViewportSize { Width = 1280, Height = 900 });
            await session.RunAsync(async page =>
            {
                await page.GotoAsync($"/?contest=PGUB-35&region={village.Code}");
                await page.ExpectViewAsync("PGUB-35", village.Code, village.Name, "village");
                await page.ExpectLiveAsync();

                // Before the restart: a form and its correction, so the village's version is 2.
                var form = SampleForms.Valid(first, race, random);
                await gateway.AcceptAsync(form);
                var correction = SampleForms.Correction(form, first, race, random);
                await gateway.AcceptAsync(correction);
                await Expect(page.GetByTestId("tally-valid")).ToHaveAttributeAsync("data-value", correction.Valid.ToString());
                await Expect(page.ResultsView()).ToHaveAttributeAsync("data-version", "2");

                // The gateway goes away (in memory: its state with it) and comes back on the same address.
                await gateway.DisposeAsync();
                await Expect(page.GetByTestId("live-status")).ToHaveAttributeAsync("data-state", new Regex("^(reconnecting|offline)$"));
                gateway = await GatewayServer.StartAsync(port);
                await page.ExpectLiveAsync();

                // The new gateway counts from zero: version 1 is news although the page last saw version 2.
                var fresh = SampleForms.Valid(second, race, random);
                await gateway.AcceptAsync(fresh);
                await Expect(page.GetByTestId("tally-valid")).ToHaveAttributeAsync("data-value", fresh.Valid.ToString());
                await Expect(page.TpsReported()).ToHaveAttributeAsync("data-reported", "1");
                await Expect(page.ChildRow(second.Code).GetByTestId("child-reported")).ToHaveTextAsync("1/1 (100,0%)");
                await Expect(page.ChildRow(first.Code).GetByTestId("child-reported")).ToHaveTextAsync("0/1 (0,0%)");
            });
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
