using System.Globalization;
using KpuOrleans.Registry;

namespace KpuOrleans.Bench.Sender;

/// <summary>The sender's command line: what to send (the simulator's flood, first forms only), how, and what to check.</summary>
/// <param name="Dump">Write the requests for wrk (bench/wrk/forms.lua) to this file and send nothing.</param>
/// <param name="DataFolder">The registry folder, as the simulator's <c>--data</c>: the target must serve the same one.</param>
/// <param name="Proofs">Above 0, the proof mode: send this many proof requests instead of forms (<see cref="ProofRun"/>).</param>
/// <param name="Contest">The proof mode's race; null: every race of the slice.</param>
internal sealed record SenderOptions(
    Uri Target, string[] Regions, long Seed, int Concurrency, int Batch, string? TokenKey, Level? CheckDownTo,
    TimeSpan Settle, TimeSpan Timeout, string? ReportJson, string? Dump, string? DataFolder = null, int Proofs = 0, string? Contest = null)
{
    public const string Usage = """
        Usage: KpuOrleans.Bench.Sender --target URL [options]
        Sends the simulator's flood (every TPS and race of the slice, first forms only, its seed and order) as fast as
        the target takes it, from requests built before the clock starts, then checks every tally against the recount.
          --target URL          the gateway (or a baseline)
          --regions CODES       comma-separated region codes (default: the whole registry, its province or the country)
          --seed N              the forms' seed (default 2024)
          --concurrency N       requests in flight, one keep-alive connection each (default 64)
          --batch N             forms per request; above 1, POST /api/v1/results/batch (default 1)
          --token-key BASE64    sign each officer's token with this HS256 key, as the simulator does (default: no tokens)
          --check-down-to L     province, regency, district, village (default), tps, or none (a target without tallies)
          --settle SECONDS      how long the check waits for tallies to catch up (default 60)
          --timeout SECONDS     the most the sending may take; a form not answered by then fails the run (default 600)
          --report-json FILE    write the figures as JSON (the field names of the simulator's report)
          --dump FILE           write one line per single-form request, "token<TAB>body", for bench/wrk/forms.lua; send nothing
          --data FOLDER         the registry folder, as the target's Registry__Path (default: data beside the binaries,
                                Jawa Timur; data/indonesia there is the whole country)
        The proof mode (docs/BENCHMARKS.md, "Issue 20"), on a target whose forms are in:
          --proofs N            send N GET /api/v1/proof/{contest}/{tps} instead of forms, each path drawn at random
                                (--seed) from every TPS and race of --regions; check every proof answered; no tallies
          --contest ID          only this race's paths (a TPS's code in --regions and --contest: one proof, again and again)
          --dump FILE           with --proofs: write every path of the slice, one request path a line, for bench/wrk/proofs.lua
        Exit codes: 0 every form accepted and every tally exact (proofs: every answer a checked 200 or a 503), 1 not, 2 usage.
        """;

    public static SenderOptions? Parse(string[] args)
    {
        Uri? target = null;
        string[] regions = [];
        long seed = 2024;
        int concurrency = 64, batch = 1;
        string? key = null, report = null, dump = null, data = null, contest = null;
        var proofs = 0;
        Level? deepest = Level.Village;
        double settle = 60, timeout = 600;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) return null;
            var (name, value) = (args[i], args[i + 1]);
            var ok = name switch
            {
                "--target" => Uri.TryCreate(value.TrimEnd('/') + "/", UriKind.Absolute, out target) && target.Scheme == "http",
                "--regions" => (regions = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Length > 0,
                "--seed" => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed),
                "--concurrency" => int.TryParse(value, CultureInfo.InvariantCulture, out concurrency) && concurrency is >= 1 and <= 1024,
                "--batch" => int.TryParse(value, CultureInfo.InvariantCulture, out batch) && batch is >= 1 and <= 1000,
                "--token-key" => (key = value).Length > 0,
                "--check-down-to" => TryLevel(value, out deepest),
                "--settle" => double.TryParse(value, CultureInfo.InvariantCulture, out settle) && settle >= 0,
                "--timeout" => double.TryParse(value, CultureInfo.InvariantCulture, out timeout) && timeout > 0,
                "--report-json" => (report = value).Length > 0,
                "--dump" => (dump = value).Length > 0,
                "--data" => (data = value).Length > 0,
                "--proofs" => int.TryParse(value, CultureInfo.InvariantCulture, out proofs) && proofs is >= 1 and <= 10_000_000,
                "--contest" => (contest = value).Length > 0,
                _ => false,
            };
            if (!ok) return null;
        }
        return target is null || (contest is not null && proofs == 0) ? null
            : new SenderOptions(target, regions, seed, concurrency, batch, key, deepest, TimeSpan.FromSeconds(settle), TimeSpan.FromSeconds(timeout), report, dump, data,
                proofs, contest);
    }

    private static bool TryLevel(string value, out Level? level)
    {
        level = value switch
        {
            "province" => Level.Province,
            "regency" => Level.Regency,
            "district" => Level.District,
            "village" => Level.Village,
            "tps" => Level.Tps,
            _ => null,
        };
        return level is not null || value == "none";
    }
}
