using System.Globalization;
using KpuOrleans.Registry;

namespace KpuOrleans.Simulator.Options;

/// <summary>The outcome of reading the command line: options to run with, a request for help, or what was wrong.</summary>
internal sealed record ParsedArguments(SimulatorOptions? Options, bool HelpRequested, string? Error);

/// <summary>
/// Reads <c>[night|flood] [--option value | --option=value]...</c>. Every option is described in <see cref="HelpText"/>.
/// </summary>
internal static class OptionsParser
{
    public static ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var options = new SimulatorOptions();
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                if (arg is "-h" or "--help" or "-?") return new ParsedArguments(null, true, null);
                if (!arg.StartsWith("--", StringComparison.Ordinal))
                {
                    if (i != 0) throw new FormatException($"unexpected argument '{arg}'");
                    options = options with { Mode = ParseMode(arg) };
                    continue;
                }
                var (name, inline) = arg.IndexOf('=') is var eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
                string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new FormatException($"--{name} needs a value"));
                options = name switch
                {
                    "mode" => options with { Mode = ParseMode(Value()) },
                    "target" => options with { Target = ParseTarget(Value()) },
                    "regions" => options with { Regions = ParseRegions(Value()) },
                    "seed" => options with { Seed = ParseLong(name, Value()) },
                    "speed" => options with { Speed = ParseDouble(name, Value(), 0.001, 10_000_000) },
                    "concurrency" => options with { Concurrency = ParseInt(name, Value(), 1, 1024) },
                    "batch" => options with { Batch = ParseInt(name, Value(), 1, 1000) },
                    "retries" => options with { RetriesPct = ParseDouble(name, Value(), 0, 100) },
                    "corrections" => options with { CorrectionsPct = ParseDouble(name, Value(), 0, 100) },
                    "invalid" => options with { InvalidPct = ParseDouble(name, Value(), 0, 100) },
                    "subscribers" => options with { Subscribers = ParseInt(name, Value(), 0, 10_000) },
                    "settle" => options with { Settle = TimeSpan.FromSeconds(ParseDouble(name, Value(), 0, 3600)) },
                    "timeout" => options with { RequestTimeout = TimeSpan.FromSeconds(ParseDouble(name, Value(), 0.1, 3600)) },
                    "attempts" => options with { Attempts = ParseInt(name, Value(), 1, 100) },
                    "check-down-to" => options with { CheckDownTo = ParseLevel(Value()) },
                    "report-json" => options with { ReportJson = Value() },
                    "token-key" => options with { TokenKey = Value() },
                    "data" => options with { DataFolder = Value() },
                    "plain" => options with { Plain = inline is null || bool.Parse(inline) },
                    "progress-interval" => options with { ProgressInterval = TimeSpan.FromSeconds(ParseDouble(name, Value(), 0.1, 3600)) },
                    _ => throw new FormatException($"unknown option --{name}"),
                };
            }
        }
        catch (FormatException e)
        {
            return new ParsedArguments(null, false, e.Message);
        }
        return new ParsedArguments(options, false, null);
    }

    private static RunMode ParseMode(string value) => value.ToLowerInvariant() switch
    {
        "night" => RunMode.Night,
        "flood" => RunMode.Flood,
        _ => throw new FormatException($"unknown mode '{value}' (night or flood)"),
    };

    private static Uri ParseTarget(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new FormatException($"--target '{value}' is not an http(s) URL");
        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    private static string[] ParseRegions(string value)
    {
        var codes = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return codes.Length > 0 ? codes : throw new FormatException("--regions needs at least one region code");
    }

    private static Level? ParseLevel(string value) => value.ToLowerInvariant() switch
    {
        "none" => null,
        "province" => Level.Province,
        "regency" => Level.Regency,
        "district" => Level.District,
        "village" => Level.Village,
        "tps" => Level.Tps,
        _ => throw new FormatException($"--check-down-to '{value}': province, regency, district, village, tps or none"),
    };

    private static long ParseLong(string name, string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"--{name} '{value}' is not a whole number");

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"--{name} '{value}' must be a whole number from {min} to {max}");

    private static double ParseDouble(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"--{name} '{value}' must be a number from {min} to {max}");
}
