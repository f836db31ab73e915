using KpuOrleans.Bench.Measuring;
using KpuOrleans.Bench.Systems;

namespace KpuOrleans.Bench;

/// <summary>
/// The standard suite (docs/BENCHMARKS.md). Every throughput row sends the same forms (every TPS and race of the
/// slice, first forms only, one seed) with the same lean client, bench/Sender, so rows compare as ratios; each is run
/// <see cref="BenchOptions.Repeat"/> times on a fresh system and shown as the median run with the spread. The ceiling
/// alone is not checked (it keeps nothing); every other row ends with the check of the tallies against the recount.
/// The durable and embedded systems run with writers authenticating, as in production (with <c>--no-auth</c>, both
/// without), and with the dashboard as <c>--dashboard</c> says (off by default); the baselines have neither.
/// </summary>
internal sealed class Suite(BenchOptions options)
{
    private static readonly string[] Flood = ["--seed", "2024"];
    private static readonly string[] Single = ["--concurrency", "64"];
    private static readonly string[] Batched = ["--batch", "100", "--concurrency", "8"];
    private static readonly string[] Unchecked = ["--check-down-to", "none"];

    /// <summary>The simulator's flood, first forms only, as the cold start fills its ledger with.</summary>
    private static readonly string[] SimulatorFlood = ["flood", "--seed", "2024", "--retries", "0", "--corrections", "0", "--invalid", "0"];

    /// <summary>Who sends a row's load; the throughput rows are run <see cref="BenchOptions.Repeat"/> times.</summary>
    private enum Client
    {
        Sender,
        Simulator,
        Wrk,
    }

    /// <param name="Dashboard">Whether the system has the dashboard, and so whether the row records its state.</param>
    private sealed record Plan(string Id, string Title, Func<Task<ISystemUnderTest>> Start, string[] Args, Client Client = Client.Sender, bool Dashboard = true);

    /// <summary>Rows run only when <c>--only</c> names them.</summary>
    private static readonly string[] OnRequest = ["wrk-durable-single", "registry-startup"];

    /// <summary>
    /// A registry other than the default (<c>--registry</c>, e.g. the whole country's ~850,000 forms) gives the sender
    /// more time to send and the tallies more time to settle than Jawa Timur's ~110,000 need.
    /// </summary>
    private string[] Larger => options.Registry is null ? [] : ["--timeout", "3600", "--settle", "300"];

    /// <summary>The most a sender may take: Jawa Timur's 30 minutes, or two hours for another registry (the country's night on a busy machine took more than 30).</summary>
    private TimeSpan? SenderLimit => options.Registry is null ? null : TimeSpan.FromHours(2);

    /// <summary>What the rows' titles call the registry: Jawa Timur by default, else the folder as given.</summary>
    private string RegistryName => options.Registry is null ? "Jawa Timur" : $"the registry {options.Registry}";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync()
    {
        string[] slice = options.Regions.Length > 0 ? ["--regions", string.Join(",", options.Regions)] : [];
        var plans = new List<Plan>
        {
            new("durable-single", OfDurable("Durable ingest over HTTP, single forms (1 silo + 1 gateway, PostgreSQL)"), Durable("single"), [.. Flood, .. Single]),
            new("durable-batch", OfDurable("Durable ingest through the batch endpoint (100 forms per request)"), Durable("batch"), [.. Flood, .. Batched]),
            new("embedded-single", OfDurable("Embedded, in memory (one process), single forms"), Embedded, [.. Flood, .. Single]),
            new("embedded-batch", OfDurable("Embedded, in memory, batch endpoint"), Embedded, [.. Flood, .. Batched]),
            new("ceiling-single", "Ceiling: bare ASP.NET Core endpoint that parses the form and answers 201; no auth, no durability, no grain hop, no tally (nothing to check)",
                Ceiling, [.. Flood, .. Single, .. Unchecked], Dashboard: false),
            new("ceiling-batch", "Ceiling, batch endpoint; no auth, no durability, no grain hop, no tally", Ceiling, [.. Flood, .. Batched, .. Unchecked], Dashboard: false),
            new("alternative-single", "The usual alternative: ASP.NET Core + PostgreSQL, no actors, single forms (no auth)", Alternative, [.. Flood, .. Single], Dashboard: false),
            new("alternative-batch", "The usual alternative, batch endpoint (one transaction per form; no auth)", Alternative, [.. Flood, .. Batched], Dashboard: false),
            new("wrk-durable-single", OfDurable("wrk, an outside client (64 connections), the same forms into the durable system, single forms"),
                Durable("wrk"), [.. Flood], Client.Wrk),
            new("fanout-1000", OfDurable("1,000 SignalR viewers while Surabaya's night is replayed at 720× (durable)"), Durable("fanout1k"), FanOut(1_000), Client.Simulator),
            new("fanout-10000", OfDurable("10,000 SignalR viewers while Surabaya's night is replayed at 720× (durable)"), Durable("fanout10k"), FanOut(10_000), Client.Simulator),
            new("fanout-20000", OfDurable("20,000 SignalR viewers while Surabaya's night is replayed at 720× (durable)"), Durable("fanout20k"), FanOut(20_000), Client.Simulator),
            // Where a process may hold no more than 20,000 descriptors (and cannot raise it), 20,000 viewers do not fit in
            // one gateway (it keeps a margin below its limit: OpenFiles.cs) nor in one client: this is the most that does.
            new("fanout-16000", OfDurable("16,000 SignalR viewers while Surabaya's night is replayed at 720× (durable)"), Durable("fanout16k"), FanOut(16_000), Client.Simulator),
            // Compared with fanout-10000: the same 10,000 viewers, of which 1,000 stop reading a third into the night,
            // so the 9,000 others' p99 against fanout-10000's answers "1,000 slow readers move it by at most 20%".
            new("fanout-stalled", OfDurable("10,000 SignalR viewers, 1,000 of which stop reading a third into the night (durable)"), Durable("fanoutstalled"),
                [.. FanOut(10_000), "--stalled-subscribers", "1000"], Client.Simulator),
        };
        var results = new List<ScenarioResult>();
        foreach (var plan in plans.Where(p => Selected(p.Id)))
        {
            // The viewers watch one regency, every one of them its top tally, while its night arrives at a pace the
            // cluster keeps up with: what is measured is the fan-out, not an ingest backlog.
            string[] regions = plan.Id.StartsWith("fanout", StringComparison.Ordinal) && slice.Length == 0 ? ["--regions", FanOutRegency] : slice;
            if (plan.Client == Client.Simulator)
            {
                results.Add(await RunAsync(plan, [.. plan.Args, .. regions], plan.Id));
                continue;
            }
            string[] larger = plan.Client == Client.Sender ? Larger : [];
            var runs = new List<ScenarioResult>();
            for (var run = 1; run <= options.Repeat; run++)
                runs.Add(await RunAsync(plan, [.. plan.Args, .. regions, .. larger], options.Repeat == 1 ? plan.Id : $"{plan.Id}-{run}"));
            results.Add(runs.Count == 1 ? runs[0] : ScenarioResult.Median(runs));
            if (runs.Count > 1) Console.WriteLine($"{plan.Id}: median of {runs.Count} runs {results[^1].FormsPerSecond:N0} forms/s " +
                                                  $"(spread {results[^1].Spread?.Min:N0}–{results[^1].Spread?.Max:N0})");
        }
        if (Selected("cold-start")) results.Add(await ColdStartAsync(slice));
        if (Selected("registry-startup")) results.Add(await RegistryStartup.MeasureAsync(options, RegistryName));
        return results;
    }

    /// <summary>Results are committed: log paths in them are relative to the repository.</summary>
    private static string WithoutMachinePaths(string message) => message.Replace(TestKit.Repository.Root + Path.DirectorySeparatorChar, "");

    private bool Selected(string id) => options.Only.Length == 0 ? !OnRequest.Contains(id) : options.Only.Contains(id, StringComparer.Ordinal);

    /// <summary>Kota Surabaya, the largest: 3,964 TPS.</summary>
    private const string FanOutRegency = "35.78";

    private static string[] FanOut(int viewers) =>
        ["night", "--seed", "2024", "--speed", "720", "--concurrency", "64", "--subscribers", viewers.ToString(), "--settle", "180", "--timeout", "120"];

    private Func<Task<ISystemUnderTest>> Durable(string name) =>
        async () => await DurableSystem.StartAsync(options.Postgres, $"kpu_bench_{name}", writersAuthenticate: !options.NoAuth, options.Dashboard, options.RegistryFolder);

    /// <summary>A row of the durable or embedded system run with <c>--no-auth</c> says so wherever its figures end up.</summary>
    private string OfDurable(string title) => options.NoAuth ? $"{title}; writers not authenticated (--no-auth)" : title;

    private async Task<ISystemUnderTest> Embedded() => await EmbeddedSystem.StartAsync(writersAuthenticate: !options.NoAuth, options.Dashboard, options.RegistryFolder);

    private async Task<ISystemUnderTest> Ceiling() => await BaselineSystem.CeilingAsync(options.RegistryFolder);

    /// <summary>With the same connection tuning the project's own PostgreSQL code gets (prepared statements, no reset).</summary>
    private async Task<ISystemUnderTest> Alternative() =>
        await BaselineSystem.AlternativeAsync(new Npgsql.NpgsqlConnectionStringBuilder(await BenchDatabase.CreateAsync(options.Postgres, "kpu_bench_alternative"))
        {
            MaxAutoPrepare = 32,
            NoResetOnClose = true,
        }.ConnectionString, options.RegistryFolder);

    private async Task<ScenarioResult> RunAsync(Plan plan, string[] args, string name)
    {
        Console.WriteLine();
        Console.WriteLine($"== {name}: {plan.Title}");
        var (client, dashboard) = (plan.Client.ToString().ToLowerInvariant(), plan.Dashboard ? options.Dashboard : (bool?)null);
        try
        {
            await using var system = await plan.Start();
            var transactionsBefore = system is DurableSystem before ? await TransactionsAsync(before) : 0;
            CpuFigures cpu;
            (System.Text.Json.Nodes.JsonObject Report, int ExitCode) run;
            await using (var meter = CpuMeter.Start(system.Processes))
            {
                run = plan.Client switch
                {
                    Client.Sender => await SenderProcess.RunAsync(name, system, args, SenderLimit),
                    Client.Wrk => await WrkRun.RunAsync(name, system, args, connections: 64),
                    _ => await SimulatorRun.RunAsync(name, system, args),
                };
                cpu = meter.Stop();
            }
            var problem = run.ExitCode == 0 ? null : $"the {client} exited with {run.ExitCode}";
            if (plan.Client == Client.Wrk && problem is null && system is DurableSystem durable)
                problem = await LedgerHoldsAsync(durable, run.Report["sent"]!.GetValue<long>());
            cpu = WithViewerClient(cpu, run.Report);
            Console.WriteLine($"CPU seconds over {cpu.WallSeconds:N1} s: {string.Join(", ", cpu.CpuSeconds.Select(c => $"{c.Key} {c.Value:N1}"))}");
            var extra = system is DurableSystem durableSystem ? await PerFormAsync(durableSystem, transactionsBefore, cpu) : new Dictionary<string, double>();
            return new ScenarioResult(plan.Id, plan.Title, args, run.Report, cpu, extra, problem is null, problem, client, dashboard);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or Npgsql.NpgsqlException)
        {
            Console.WriteLine($"FAILED: {e.Message}");
            return new ScenarioResult(plan.Id, plan.Title, args, null, null, new Dictionary<string, double>(), false, WithoutMachinePaths(e.Message), client, dashboard);
        }
    }

    /// <summary>Transactions PostgreSQL has counted in the row's database (committed and rolled back).</summary>
    private static Task<long> TransactionsAsync(DurableSystem system) => BenchDatabase.CountAsync(system.ConnectionString,
        "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()");

    /// <summary>
    /// Issue 17's per-form costs: PostgreSQL transactions and silo CPU per form in the ledger. Backends publish their
    /// counts when idle for a second at most, so the count is read after a pause; the pause and the counting query
    /// themselves add two transactions.
    /// </summary>
    private static async Task<Dictionary<string, double>> PerFormAsync(DurableSystem system, long transactionsBefore, CpuFigures cpu)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        var forms = await BenchDatabase.CountAsync(system.ConnectionString, "SELECT count(*) FROM kpu_ledger");
        var transactions = await TransactionsAsync(system) - transactionsBefore;
        if (forms == 0) return [];
        Console.WriteLine($"PostgreSQL: {transactions:N0} transactions for {forms:N0} forms ({(double)transactions / forms:N3} per form)");
        var perForm = new Dictionary<string, double>
        {
            ["forms"] = forms,
            ["transactionsPerForm"] = Math.Round((double)transactions / forms, 4),
            ["siloCpuMicrosecondsPerForm"] = Math.Round(cpu.CpuSeconds.GetValueOrDefault("silo") * 1e6 / forms, 1),
            // Issue 19's two-size table: what a form costs everywhere, and what the silo holds once the night is in.
            ["gatewayCpuMicrosecondsPerForm"] = Math.Round(cpu.CpuSeconds.GetValueOrDefault("gateway") * 1e6 / forms, 1),
            ["postgresqlCpuMicrosecondsPerForm"] = Math.Round(cpu.CpuSeconds.GetValueOrDefault("postgresql") * 1e6 / forms, 1),
        };
        foreach (var (role, pid) in system.Processes)
        {
            if (ProcessMemory.RssMiB(pid) is { } rss) perForm[$"{role}RssMiBAfter"] = rss;
        }
        return perForm;
    }

    /// <summary>wrk checks no tally: that every form it saw accepted is in the ledger is checked here instead.</summary>
    private static async Task<string?> LedgerHoldsAsync(DurableSystem system, long forms)
    {
        var stored = await BenchDatabase.CountAsync(system.ConnectionString, "SELECT count(*) FROM kpu_ledger");
        Console.WriteLine($"Ledger: {stored:N0} forms stored of {forms:N0} sent");
        return stored == forms ? null : $"the ledger holds {stored:N0} forms, {forms:N0} were sent";
    }

    /// <summary>
    /// The viewer client is a process of the simulator's own making, which the meter does not see: its CPU, as the
    /// client reports it at its end, moves from "client and rest" to a role of its own.
    /// </summary>
    private static CpuFigures WithViewerClient(CpuFigures cpu, System.Text.Json.Nodes.JsonObject report)
    {
        if (report["viewers"]?["clientCpuSeconds"]?.GetValue<double>() is not { } viewers) return cpu;
        var seconds = new Dictionary<string, double>(cpu.CpuSeconds) { ["viewer client"] = viewers };
        seconds["client and rest"] = Math.Round(Math.Max(0, seconds.GetValueOrDefault("client and rest") - viewers), 2);
        var peaks = new Dictionary<string, double>(cpu.PeakRssMiB);
        if (report["viewers"]?["clientPeakMemoryMiB"]?.GetValue<double>() is { } memory) peaks["viewer client"] = memory;
        return cpu with { CpuSeconds = seconds, PeakRssMiB = peaks };
    }

    /// <summary>Fills a fresh database through the batch endpoint, then rebuilds every tally from the ledger alone.</summary>
    private async Task<ScenarioResult> ColdStartAsync(string[] slice)
    {
        var whose = options.Registry is null ? "every Jawa Timur tally" : $"every tally of {RegistryName}";
        var title = OfDurable($"Cold start: {whose} rebuilt from the ledger alone (no grain state), until verify passes");
        Console.WriteLine();
        Console.WriteLine($"== cold-start: {title}");
        // Another registry's ledger is filled by the sender (its requests are built before it sends, the quicker fill
        // of ~850,000 forms); Jawa Timur's by the simulator, as always. The fill is not what is timed.
        var bySender = options.Registry is not null;
        string[] args = bySender ? [.. Flood, .. Batched, "--check-down-to", "province", .. Larger, .. slice] : [.. SimulatorFlood, .. Batched, "--check-down-to", "province", .. slice];
        try
        {
            await using var system = await DurableSystem.StartAsync(options.Postgres, "kpu_bench_coldstart", writersAuthenticate: !options.NoAuth, options.Dashboard, options.RegistryFolder);
            var (fill, exitCode) = bySender ? await SenderProcess.RunAsync("cold-start-fill", system, args, SenderLimit) : await SimulatorRun.RunAsync("cold-start-fill", system, args);
            if (exitCode != 0) throw new InvalidOperationException($"filling the ledger failed ({(bySender ? "sender" : "simulator")} exit code {exitCode})");
            var forms = await BenchDatabase.CountAsync(system.ConnectionString, "SELECT count(*) FROM kpu_ledger");
            var (elapsed, runs, verify) = await system.ColdStartAsync(TimeSpan.FromMinutes(options.Registry is null ? 5 : 10));
            Console.WriteLine(verify.Trim().Split('\n').LastOrDefault());
            Console.WriteLine($"Cold start: {forms:N0} forms in the ledger, every tally equal to the SQL recount {elapsed.TotalSeconds:N1} s " +
                              $"after the silo process started (verify run {runs} time(s))");
            return new ScenarioResult("cold-start", title, args, null, null, new Dictionary<string, double>
            {
                ["seconds"] = Math.Round(elapsed.TotalSeconds, 1), ["forms"] = forms, ["verifyRuns"] = runs,
            }, true, null, Dashboard: options.Dashboard);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or Npgsql.NpgsqlException)
        {
            Console.WriteLine($"FAILED: {e.Message}");
            return new ScenarioResult("cold-start", title, args, null, null, new Dictionary<string, double>(), false, WithoutMachinePaths(e.Message), Dashboard: options.Dashboard);
        }
    }
}
