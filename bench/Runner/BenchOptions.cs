using System.Globalization;

namespace KpuOrleans.Bench;

/// <summary>The runner's command line; bench/run passes <c>--postgres</c> and whatever the user added.</summary>
/// <param name="NoAuth">Writers do not authenticate (durable and embedded alike): the comparison row for what auth costs.</param>
/// <param name="Repeat">Runs of each throughput row, each on a fresh system; the row is the median run, with the spread.</param>
/// <param name="Dashboard">The Orleans dashboard (<c>Dashboard__Enabled</c>) on in the systems that have one.</param>
/// <param name="Registry">The registry folder as given (e.g. <c>data/indonesia</c>, relative to the repository); null: the default, Jawa Timur.</param>
internal sealed record BenchOptions(
    string Postgres, string[] Regions, string[] Only, string? Machine, bool NoAuth = false, int Repeat = 3, bool Dashboard = false, string? Registry = null)
{
    /// <summary>
    /// The registry folder every process of a run is given (<c>Registry__Path</c>, the clients' <c>--data</c>), as a
    /// full path; null: none, each program's default (Jawa Timur, the <c>data</c> folder beside its binaries).
    /// </summary>
    public string? RegistryFolder => Registry is null ? null : Path.GetFullPath(Registry, TestKit.Repository.Root);

    public const string Usage = """
        Usage: bench/run [--regions CODES] [--only IDS] [--machine LABEL] [--no-auth] [--repeat N] [--dashboard on|off]
                         [--registry FOLDER]
          --regions CODES    restrict every run to these region codes (a quick look; docs/BENCHMARKS.md is left alone)
          --only IDS         comma-separated scenario ids to run (see docs/BENCHMARKS.md); docs are left alone.
                             wrk-durable-single (wrk as an outside client against the durable system) runs only when named
          --machine LABEL    the machine's name in the results file (default: <cores>core-<GiB>gib)
          --no-auth          run the durable and embedded systems with Auth__Enabled=false and the client without a token
                             key, to compare with a normal run (writers authenticate): the cost of auth. The results file
                             is named ...-noauth and docs/BENCHMARKS.md is left alone
          --repeat N         runs of each throughput row, each on a fresh system (default 3): the row shows the median
                             run and the spread (min-max) of forms/s
          --dashboard on|off the Orleans dashboard and its collectors in the durable and embedded systems (default off,
                             so that its profiler does not tax the rows); recorded in every row
          --registry FOLDER  the registry every process of the run loads (Registry__Path; the clients' --data), e.g.
                             data/indonesia for the whole country; relative to the repository. Default: Jawa Timur.
                             Results go to ...-<folder name>.json and docs/BENCHMARKS.md is left alone.
                             registry-startup (time to serving and memory of the embedded system) runs only when named
        """;

    public static BenchOptions? Parse(string[] args)
    {
        string? postgres = null, machine = null, registry = null;
        string[] regions = [], only = [];
        var (noAuth, repeat, dashboard) = (false, 3, false);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--no-auth")
            {
                noAuth = true;
                continue;
            }
            if (i + 1 >= args.Length) return null;
            var (name, value) = (args[i], args[++i]);
            switch (name)
            {
                case "--postgres": postgres = value; break;
                case "--regions": regions = Split(value); break;
                case "--only": only = Split(value); break;
                case "--machine": machine = value; break;
                case "--repeat" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out repeat) && repeat is >= 1 and <= 20: break;
                case "--dashboard" when value is "on" or "off": dashboard = value == "on"; break;
                case "--registry" when value.Length > 0: registry = value; break;
                default: return null;
            }
        }
        return postgres is not null ? new BenchOptions(postgres, regions, only, machine, noAuth, repeat, dashboard, registry) : null;
    }

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
