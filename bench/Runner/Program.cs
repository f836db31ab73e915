using KpuOrleans.Bench;
using KpuOrleans.Bench.Reporting;

// Started by bench/run, which builds everything in Release and starts PostgreSQL first. Runs the standard suite
// (docs/BENCHMARKS.md) and writes bench/results/<date>-<machine>.json and, for a run over the whole province with
// writers authenticating, the tables in docs/BENCHMARKS.md.
var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
if (options.RegistryFolder is { } registry && !Directory.Exists(registry))
{
    Console.Error.WriteLine($"--registry: the folder {options.Registry} does not exist");
    return 2;
}
var machine = await MachineFacts.ReadAsync(options);
Console.WriteLine($"KpuOrleans benchmark suite on {machine.Describe()}");
Console.WriteLine(options.NoAuth
    ? "Durable and embedded systems: writers do not authenticate (--no-auth)"
    : "Durable and embedded systems: writers authenticate (a fresh HS256 key per system; the client signs every officer's token)");
Console.WriteLine($"Dashboard {(options.Dashboard ? "on" : "off")}; each throughput row is the median of {options.Repeat} run(s), each on a fresh system");
Console.WriteLine($"Registry: {options.Registry ?? "the default (Jawa Timur)"}");
var results = await new Suite(options).RunAsync();
// The tables are Jawa Timur's: a run on another registry is recorded beside them, not in them.
var partial = options.Regions.Length > 0 || options.Only.Length > 0 || options.Registry is not null;
var file = await ResultFile.WriteAsync(machine, results, partial, writersAuthenticate: !options.NoAuth, options.Registry);
Console.WriteLine($"Results: {file}");
// The tables show the standard configuration; a --no-auth run is a comparison against them.
if (!partial && !options.NoAuth)
{
    BenchmarksDoc.Update(machine, results, Path.GetFileName(file));
    Console.WriteLine("docs/BENCHMARKS.md: tables updated");
}
return results.All(r => r.Passed) ? 0 : 1;
