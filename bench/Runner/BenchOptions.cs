namespace KpuOrleans.Bench;

/// <summary>The runner's command line; bench/run passes <c>--postgres</c> and whatever the user added.</summary>
internal sealed record BenchOptions(string Postgres, string[] Regions, string[] Only, string? Machine)
{
    public const string Usage = """
        Usage: bench/run [--regions CODES] [--only IDS] [--machine LABEL]
          --regions CODES  restrict every run to these region codes (a quick look; docs/BENCHMARKS.md is left alone)
          --only IDS       comma-separated scenario ids to run (see docs/BENCHMARKS.md); docs are left alone
          --machine LABEL  the machine's name in the results file (default: <cores>core-<GiB>gib)
        """;

    public static BenchOptions? Parse(string[] args)
    {
        string? postgres = null, machine = null;
        string[] regions = [], only = [];
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--postgres": postgres = value; break;
                case "--regions": regions = Split(value); break;
                case "--only": only = Split(value); break;
                case "--machine": machine = value; break;
                default: return null;
            }
        }
        return args.Length % 2 == 0 && postgres is not null ? new BenchOptions(postgres, regions, only, machine) : null;
    }

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
