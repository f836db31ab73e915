// The benchmark's load sender (docs/BENCHMARKS.md, "What each row measures"): the simulator's flood, first forms only,
// built into complete HTTP requests before the clock starts and sent over raw keep-alive connections, so that the
// client takes as little as it can of the CPU it shares with the system under test; then the simulator's own check of
// every tally against the recount. bench/run starts it for every throughput row.
//
//   dotnet bench/Sender/bin/Release/net10.0/KpuOrleans.Bench.Sender.dll --target http://127.0.0.1:5080 --concurrency 64
//
// With --proofs N it sends N inclusion-proof requests instead (issue 20), on a target whose forms are already in.
using KpuOrleans.Bench.Sender;

var options = SenderOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(SenderOptions.Usage);
    return 2;
}
if (options.Proofs > 0)
{
    if (options.Dump is { } paths)
    {
        var proofs = ProofRequests.Build(options);
        await proofs.DumpAsync(paths, options.Target);
        Console.WriteLine($"Wrote {proofs.Paths.Count:N0} proof paths ({proofs.SliceName}) to {paths}");
        return 0;
    }
    return (await ProofRun.RunAsync(options, Console.Out, CancellationToken.None)).ExitCode;
}
if (options.Dump is { } dump)
{
    var flood = FloodRequests.Build(options);
    await flood.DumpAsync(dump);
    Console.WriteLine($"Wrote {flood.Requests.Count:N0} requests ({flood.Forms.Count:N0} forms, {flood.SliceName}) to {dump}");
    return 0;
}
return (await SenderRun.RunAsync(options, Console.Out, CancellationToken.None)).ExitCode;
