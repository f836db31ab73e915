namespace KpuOrleans.Bench;

/// <summary>The runner's command line; bench/run passes <c>--postgres</c> and whatever the user added.</summary>
/// <param name="NoAuth">The durable system's writers do not authenticate: the comparison row for what auth costs.</param>
internal sealed record BenchOptions(string Postgres, string[] Regions, string[] Only, string? Machine, bool NoAuth = false)
{
    public const string Usage = """
        Usage: bench/run [--regions CODES] [--only IDS] [--machine LABEL] [--no-auth]
          --regions CODES  restrict every run to these region codes (a quick look; docs/BENCHMARKS.md is left alone)
          --only IDS       comma-separated scenario ids to run (see docs/BENCHMARKS.md); docs are left alone
          --machine LABEL  the machine's name in the results file (default: <cores>core-<GiB>gib)
          --no-auth        run the durable system with Auth__Enabled=false and the simulator without a token key,
                           to compare with a normal run (writers authenticate): the cost of auth. The results file
                           is named ...-noauth and docs/BENCHMARKS.md is left alone
        """;

    public static BenchOptions? Parse(string[] args)
    {
        string? postgres = null, machine = null;
        string[] regions = [], only = [];
        var noAuth = false;
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
                default: return null;
            }
        }
        return postgres is not null ? new BenchOptions(postgres, regions, only, machine, noAuth) : null;
    }

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
