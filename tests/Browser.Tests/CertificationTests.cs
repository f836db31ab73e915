using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KpuOrleans.Browser.Tests.Infrastructure;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;

namespace KpuOrleans.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class CertificationTests(BrowserFixture fixture)
{
    private const string Governor = "PGUB-35";

    [Fact]
    public async Task A_certificate_shows_as_a_badge_with_its_digest_live_and_goes_away_live_when_withdrawn()
    {
        // The smallest district of the province (fewest TPS, then lowest code), filled completely in every race
        // covering it: only then may its PPK certify it. No other browser test writes there.
        var registry = Jatim.Registry;
        var district = registry.Root.Children.Select(registry.Get)
            .SelectMany(regency => regency.Children.Select(registry.Get))
            .Where(region => region.Level == Level.District)
            .OrderBy(region => region.TpsCount).ThenBy(region => region.Code, StringComparer.Ordinal)
            .First();
        var stations = registry.TpsUnder(district.Code).ToArray();
        Assert.Equal(district.TpsCount, stations.Length);
        Assert.Contains(district.Contests, c => c.Id == Governor);
        var random = new Random(352225);
        var governorForms = new List<ResultForm>();
        foreach (var race in district.Contests)
        {
            foreach (var tps in stations)
            {
                var form = SampleForms.Valid(tps, race, random);
                await fixture.Gateway.AcceptAsync(form);
                if (race.Id == Governor) governorForms.Add(form);
            }
        }
        var gateway = fixture.Gateway;
        var tallyPath = $"/api/v1/tally/{Governor}/{district.Code}";
        // Forms reach the district's tally a moment after they are accepted: read it once it counts them all.
        JsonNode tally = null!;
        await Eventually.HoldsAsync(async () =>
        {
            tally = await gateway.GetJsonAsync(tallyPath);
            return (tally["tpsReported"]!.GetValue<int>() == district.TpsCount && tally["version"]!.GetValue<long>() == district.TpsCount,
                tally.ToJsonString());
        }, TimeSpan.FromSeconds(20), $"{district.Code} counts all {district.TpsCount} forms");
        var digest = tally["digest"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{64}$", digest);

        await using var session = await fixture.OpenAsync(nameof(CertificationTests));
        var errors = new ConcurrentQueue<string>();
        session.Page.Console += (_, message) => { if (message.Type == "error") errors.Enqueue($"console: {message.Text} at {message.Location}"); };
        session.Page.PageError += (_, error) => errors.Enqueue($"page error: {error}");
        // Init scripts run outside the page's CSP: this one only listens for what the CSP refuses.
        await session.Context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', (e) => (window.kpuCsp = window.kpuCsp || []).push(e.violatedDirective + ' ' + e.blockedURI));");

        await session.RunAsync(async page =>
        {
            var documentLoads = 0;
            page.Load += (_, _) => Interlocked.Increment(ref documentLoads);
            await page.GotoAsync($"/?contest={Governor}&region={district.Code}");
            await page.ExpectViewAsync(Governor, district.Code, district.Name, "district");
            await page.ExpectLiveAsync();
            await Expect(page.TpsReported()).ToHaveAttributeAsync("data-reported", district.TpsCount.ToString());

            // Not certified yet: the digest alone, abbreviated, the whole value one click away.
            var certification = page.GetByTestId("certification");
            var badge = page.GetByTestId("certified-badge");
            await Expect(certification).ToHaveAttributeAsync("data-state", "digest");
            await Expect(certification).Not.ToHaveClassAsync(new Regex(@"\bcertified\b"));
            await Expect(badge).ToBeEmptyAsync();
            await Expect(badge).ToBeHiddenAsync();
            await ExpectDigestAsync(page, digest);
            await Expect(page.GetByTestId("verify")).ToBeHiddenAsync(); // inside the closed details

            // A correction before the certificate: the digest follows it live. (The live feed has then sent this
            // version, so the certificate below, which leaves the version as it is, must still get through.)
            var correction = SampleForms.Correction(governorForms[0], stations[0], district.FindContest(Governor)!, random);
            await gateway.AcceptAsync(correction);
            var version = tally["version"]!.GetValue<long>() + 1;
            await Expect(page.ResultsView()).ToHaveAttributeAsync("data-version", version.ToString());
            JsonNode corrected = null!;
            await Eventually.HoldsAsync(async () =>
            {
                corrected = await gateway.GetJsonAsync(tallyPath);
                return (corrected["version"]!.GetValue<long>() == version, corrected.ToJsonString());
            }, TimeSpan.FromSeconds(20), $"{district.Code} counts the correction");
            Assert.NotEqual(digest, corrected["digest"]!.GetValue<string>());
            digest = corrected["digest"]!.GetValue<string>();
            await ExpectDigestAsync(page, digest);

            var loadsBefore = Volatile.Read(ref documentLoads);
            await page.EvaluateAsync("() => { window.kpuSameDocument = true; }");

            // Its PPK certifies it (no token: the embedded gateway's writers do not authenticate).
            var (status, certificate) = await gateway.CertifyAsync(Governor, district.Code);
            Assert.True(status == 201, $"certify: expected 201, got {status}: {certificate}");
            Assert.Equal("anonymous", certificate!["certifiedBy"]!.GetValue<string>());
            Assert.Equal(digest, certificate["digest"]!.GetValue<string>());
            var certified = (await gateway.GetJsonAsync(tallyPath))["certified"]!;
            Assert.Equal("anonymous", certified["by"]!.GetValue<string>());
            Assert.Equal(digest, certified["digest"]!.GetValue<string>());
            Assert.Equal(version, (await gateway.GetJsonAsync(tallyPath))["version"]!.GetValue<long>()); // certifying counts nothing
            var at = certified["at"]!.GetValue<string>();

            // The badge appears without a reload: who, when (as the page writes times), the digest, how to check it.
            await Expect(certification).ToHaveAttributeAsync("data-state", "certified");
            await Expect(badge).ToBeVisibleAsync();
            await Expect(badge).ToHaveAttributeAsync("role", "status");
            var when = await page.EvaluateAsync<string>("(iso) => import('/format.js').then((m) => m.fmtTime(iso))", at);
            Assert.EndsWith(" WIB", when);
            await Expect(badge).ToHaveTextAsync($"✓ Disertifikasi oleh anonymous, {when}");
            await Expect(page.GetByTestId("certified-by")).ToHaveTextAsync("anonymous");
            await Expect(page.GetByTestId("certified-at")).ToHaveAttributeAsync("datetime", at);
            await ExpectDigestAsync(page, digest);
            var verify = page.GetByTestId("verify");
            await Expect(verify).ToBeVisibleAsync();
            await Expect(verify).ToContainTextAsync("tools/Verifier");
            await Expect(verify).ToContainTextAsync("“Digests” di API.md");

            // The two open-data exports of this race, which anyone can check the digest against.
            var csv = page.GetByTestId("export-csv");
            var certificates = page.GetByTestId("export-certificates");
            await Expect(csv).ToHaveAttributeAsync("href", $"/api/v1/export/{Governor}.csv");
            await Expect(certificates).ToHaveAttributeAsync("href", $"/api/v1/export/{Governor}/certificates.json");
            using (var export = await gateway.Http.GetAsync(await csv.GetAttributeAsync("href")))
            {
                export.EnsureSuccessStatusCode();
                var rows = (await export.Content.ReadAsStringAsync()).Split('\n');
                foreach (var tps in stations) Assert.Contains(rows, row => row.StartsWith(tps.Code + ",", StringComparison.Ordinal));
            }
            var published = (await gateway.GetJsonAsync((await certificates.GetAttributeAsync("href"))!)).AsArray();
            Assert.Contains(published, c => c!["region"]!.GetValue<string>() == district.Code && c["digest"]!.GetValue<string>() == digest
                && c["withdrawn"] is null);
            await session.ScreenshotAsync("certified");

            // In English too.
            await page.GetByTestId("lang-toggle").ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            var whenEn = await page.EvaluateAsync<string>("(iso) => import('/format.js').then((m) => m.fmtTime(iso))", at);
            await Expect(badge).ToHaveTextAsync($"✓ Certified by anonymous, {whenEn}");
            await Expect(verify).ToContainTextAsync("“Digests” section of API.md");
            await ExpectDigestAsync(page, digest);
            await page.GetByTestId("lang-toggle").ClickAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "id");
            await Expect(badge).ToHaveTextAsync($"✓ Disertifikasi oleh anonymous, {when}");

            // Withdrawn with a reason: the badge goes, live; the digest stays, quietly.
            var (withdrawStatus, withdrawn) = await gateway.WithdrawAsync(Governor, district.Code, "PPK recount requested by a witness");
            Assert.True(withdrawStatus == 200, $"withdraw: expected 200, got {withdrawStatus}: {withdrawn}");
            Assert.Equal("PPK recount requested by a witness", withdrawn!["withdrawn"]!["reason"]!.GetValue<string>());
            Assert.Null((await gateway.GetJsonAsync(tallyPath))["certified"]);
            await Expect(certification).ToHaveAttributeAsync("data-state", "digest");
            await Expect(badge).ToBeEmptyAsync();
            await Expect(badge).ToBeHiddenAsync();
            await Expect(page.GetByTestId("certified-by")).ToHaveCountAsync(0);
            await ExpectDigestAsync(page, digest);
            Assert.True(await page.EvaluateAsync<bool>("() => window.kpuSameDocument === true"), "the page was reloaded");
            Assert.Equal(loadsBefore, Volatile.Read(ref documentLoads));

            // Down to a TPS: each level shows its own digest.
            var village = registry.Get(district.Children[0]);
            var tpsCode = village.Children[0];
            await page.DrillAsync(Governor, village.Code, village.Name, "village");
            await ExpectDigestAsync(page, (await gateway.GetJsonAsync($"/api/v1/tally/{Governor}/{village.Code}"))["digest"]!.GetValue<string>());
            await page.DrillAsync(Governor, tpsCode, registry.Get(tpsCode).Name, "tps");
            var tpsDigest = (await gateway.GetJsonAsync($"/api/v1/tally/{Governor}/{tpsCode}"))["digest"]!.GetValue<string>();
            Assert.NotEqual(digest, tpsDigest);
            await Expect(page.GetByTestId("certification")).ToHaveAttributeAsync("data-state", "digest");
            await ExpectDigestAsync(page, tpsDigest);
            await page.GetByTestId("digest").Locator("summary").ClickAsync();
            await Expect(page.GetByTestId("digest-full")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("verify")).ToBeVisibleAsync();
            await session.ScreenshotAsync("tps-digest");

            // The whole digest wraps on a small phone rather than widening the page.
            await page.SetViewportSizeAsync(375, 812);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"the page is {overflow}px wider than 375px");
            await session.ScreenshotAsync("tps-digest-375px");

            var violations = await page.EvaluateAsync<string[]>("() => window.kpuCsp || []");
            Assert.Empty(violations);
        });
        Assert.Empty(errors);
    }

    /// <summary>The digest on screen: abbreviated (both ends), the whole value in its title and behind the details.</summary>
    private static async Task ExpectDigestAsync(IPage page, string digest)
    {
        var abbreviated = page.GetByTestId("digest-short");
        await Expect(page.GetByTestId("digest")).ToHaveAttributeAsync("data-value", digest);
        await Expect(abbreviated).ToHaveTextAsync($"{digest[..8]}…{digest[^8..]}");
        await Expect(abbreviated).ToHaveAttributeAsync("title", digest);
        await Expect(page.GetByTestId("digest-full")).ToHaveTextAsync(digest);
    }
}
