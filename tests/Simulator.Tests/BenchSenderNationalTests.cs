using System.Text;
using KpuOrleans.Bench.Sender;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Checking;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The benchmark's sender on the whole country's registry (<c>--data</c>, as bench/run's <c>--registry</c> hands it):
/// a batch is sent by one office and no office that writes spans provinces, so every batch must hold one province's
/// forms; a national embedded system then takes every form of a slice across two provinces, every tally exact.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class BenchSenderNationalTests(ITestOutputHelper log)
{
    private static readonly string Key = Convert.ToBase64String(Encoding.UTF8.GetBytes("a test key of thirty-two bytes!!"));

    /// <summary>Kota Jakarta Pusat (governor only) and Kota Yogyakarta (no governor race): two provinces, one flood.</summary>
    private static readonly string[] TwoProvinces = ["--regions", "31.71,34.71"];

    [Fact]
    public void Over_two_provinces_each_batch_holds_one_provinces_forms_and_every_form_is_sent_once()
    {
        var options = SenderOptions.Parse(["--target", "http://127.0.0.1:1/", .. TwoProvinces, "--batch", "100", "--token-key", Key, "--data", Indonesia.Folder])!;

        var flood = FloodRequests.Build(options);

        foreach (var request in flood.Requests)
        {
            var provinces = flood.Forms.Skip(request.First).Take(request.Count).Select(f => RegionCode.Parse(f.Tps).AncestorAt(Level.Province).Value).Distinct();
            Assert.Single(provinces);
        }
        Assert.Equal(flood.Forms.Count, flood.Requests.Sum(r => r.Count));
        Assert.Equal(flood.Forms.Count, flood.Forms.Select(f => (f.Tps, f.Contest)).Distinct().Count());
        Assert.Contains(flood.Forms, f => f.Tps.StartsWith("31.", StringComparison.Ordinal));
        Assert.Contains(flood.Forms, f => f.Tps.StartsWith("34.", StringComparison.Ordinal));
    }

    [Fact]
    public void Within_one_province_the_batches_are_the_flood_order_cut_every_hundred_forms()
    {
        var single = FloodRequests.Build(SenderOptions.Parse(["--target", "http://127.0.0.1:1/", "--regions", "35.79"])!);
        var batched = FloodRequests.Build(SenderOptions.Parse(["--target", "http://127.0.0.1:1/", "--regions", "35.79", "--batch", "100"])!);

        Assert.Equal(single.Forms.Select(f => (f.Tps, f.Contest)), batched.Forms.Select(f => (f.Tps, f.Contest)));
        Assert.Equal([0, 100, 200, 300, 400, 500, 600], batched.Requests.Select(r => r.First));
        Assert.Equal([100, 100, 100, 100, 100, 100, 4], batched.Requests.Select(r => r.Count));
    }

    [Fact]
    public async Task A_national_embedded_system_takes_every_batch_of_two_provinces_and_every_tally_checks_exact()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("sender-national", environment: new Dictionary<string, string?>
        {
            ["Auth__Enabled"] = "true",
            ["Auth__SigningKey"] = Key,
            ["Registry__Path"] = Indonesia.Folder,
        });
        var options = SenderOptions.Parse(["--target", gateway.Address.ToString(), .. TwoProvinces, "--batch", "100", "--concurrency", "4",
            "--token-key", Key, "--data", Indonesia.Folder])!;
        var printed = new StringWriter();

        var outcome = await SenderRun.RunAsync(options, printed, CancellationToken.None);

        log.WriteLine(printed.ToString());
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(new Dictionary<string, long> { ["201"] = outcome.Flood.Forms.Count }, outcome.Verdicts.FormAnswers);
        Assert.True(outcome.Check!.Clean);
        // DKI Jakarta's governor race at 31 and Kota Yogyakarta's mayor race at 34.71 are among the tallies checked.
        Assert.Contains(TallyChecker.TargetsFor(outcome.Flood.Registry, outcome.Flood.Slice, Level.Village), t => t.Region.Code == "31" && t.Contest.Id == "PGUB-31");
        Assert.Contains(TallyChecker.TargetsFor(outcome.Flood.Registry, outcome.Flood.Slice, Level.Village), t => t.Region.Code == "34.71" && t.Contest.Id == "PWAL-34.71");
    }
}
