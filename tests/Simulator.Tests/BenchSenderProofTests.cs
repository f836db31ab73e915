using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using KpuOrleans.Bench.Sender;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The benchmark sender's proof mode (issue 20, bench/Sender <c>--proofs</c>) against the real embedded system: before
/// any form every proof is a 404 and the run fails; after Kota Batu's flood every proof asked is a 200 that hashes
/// bottom up to the race's top; a proof changed at any level fails the sender's check naming that level; the dump for
/// wrk holds every path of the slice once.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class BenchSenderProofTests(ITestOutputHelper log)
{
    private static readonly string Key = Convert.ToBase64String(Encoding.UTF8.GetBytes("a test key of thirty-two bytes!!"));

    private async Task<(T Outcome, string Printed)> RunAsync<T>(Func<SenderOptions, TextWriter, Task<T>> run, params string[] args)
    {
        var options = SenderOptions.Parse(args);
        Assert.NotNull(options);
        var printed = new StringWriter();
        var outcome = await run(options, printed);
        log.WriteLine(printed.ToString());
        return (outcome, printed.ToString());
    }

    [Fact]
    public async Task Proofs_of_Kota_Batu_are_404_before_its_forms_and_every_one_checks_after()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("sender-proofs",
            environment: new Dictionary<string, string?> { ["Auth__Enabled"] = "true", ["Auth__SigningKey"] = Key });
        var target = gateway.Address.ToString();
        string[] proofs = ["--target", target, "--regions", "35.79", "--proofs", "300", "--concurrency", "8"];

        var (before, printedBefore) = await RunAsync((o, w) => ProofRun.RunAsync(o, w, CancellationToken.None), proofs);
        Assert.Equal(1, before.ExitCode);
        Assert.Contains("Result: FAILED", printedBefore);
        Assert.Equal(new Dictionary<string, long> { ["404"] = 300 }, before.Verdicts.Answers);
        Assert.Contains("not-counted", before.Verdicts.ErrorSamples[0]);

        var (flood, _) = await RunAsync((o, w) => SenderRun.RunAsync(o, w, CancellationToken.None),
            "--target", target, "--regions", "35.79", "--concurrency", "8", "--token-key", Key);
        Assert.Equal(0, flood.ExitCode);

        var (after, printed) = await RunAsync((o, w) => ProofRun.RunAsync(o, w, CancellationToken.None), proofs);
        Assert.Equal(0, after.ExitCode);
        Assert.Contains("Result: PASSED", printed);
        // Every TPS of Kota Batu in both its races (governor and mayor), 300 drawn from them, each a proof that checks.
        Assert.Equal(604, after.Proofs.Paths.Count);
        Assert.Equal(new Dictionary<string, long> { ["200"] = 300 }, after.Verdicts.Answers);
        Assert.Equal(300, after.Verdicts.Proved);
        Assert.True(after.Verdicts.LargestBytes > 0);

        // The same proof, changed at the TPS (its digest left, or made anew so that the village no longer names it), and cut short, fails the check there.
        var path = after.Proofs.Picks[0];
        using var http = new HttpClient { BaseAddress = gateway.Address };
        var body = await http.GetStringAsync(path.RequestPath);
        Assert.Null(ProofVerdicts.Break(path, Encoding.UTF8.GetBytes(body)));
        var tpsChanged = body.Replace("\\nvalid ", "\\nvalid 1", StringComparison.Ordinal);
        Assert.Equal($"{path.Tps}: its text does not hash to its digest", ProofVerdicts.Break(path, Encoding.UTF8.GetBytes(tpsChanged)));
        var node = JsonNode.Parse(body)!;
        var tps = node["levels"]![0]!;
        var recounted = tps["text"]!.GetValue<string>().Replace("\ninvalid ", "\ninvalid 1", StringComparison.Ordinal);
        tps["text"] = recounted;
        tps["digest"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recounted)));
        Assert.Equal($"{path.Tps}: its parent does not name its digest", ProofVerdicts.Break(path, Encoding.UTF8.GetBytes(node.ToJsonString())));
        var cut = body[..body.LastIndexOf(",{\"region\"", StringComparison.Ordinal)] + "]}";
        Assert.StartsWith("a live proof that ends at", ProofVerdicts.Break(path, Encoding.UTF8.GetBytes(cut)));
    }

    [Fact]
    public async Task The_proof_dump_for_wrk_holds_every_path_of_the_slice_once()
    {
        var file = Path.Combine(Repository.TestResults, $"sender-proof-paths-{Guid.NewGuid():N}.txt");
        var options = SenderOptions.Parse(["--target", "http://127.0.0.1:1/", "--regions", "35.79", "--proofs", "1", "--dump", file])!;

        await ProofRequests.Build(options).DumpAsync(file, options.Target);

        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(604, lines.Length);
        Assert.Equal(604, lines.Distinct().Count());
        Assert.All(lines, l => Assert.Matches(@"^/api/v1/proof/(PGUB-35|PWAL-35\.79)/35\.79\.\d\d\.\d{4}\.\d{3}$", l));

        var one = SenderOptions.Parse(["--target", "http://127.0.0.1:1/", "--regions", "35.79.01.1001.001", "--contest", "PGUB-35", "--proofs", "50"])!;
        var same = ProofRequests.Build(one);
        Assert.Single(same.Paths);
        Assert.All(same.Picks, p => Assert.Equal(("PGUB-35", "35.79.01.1001.001"), (p.Contest, p.Tps)));
        Assert.Null(SenderOptions.Parse(["--target", "http://127.0.0.1:1/", "--contest", "PGUB-35"]));
    }
}
