using System.Globalization;

namespace KpuOrleans.Verifier.Cli;

/// <summary>What the command line asks for.</summary>
public abstract record Command;

public sealed record HelpCommand : Command;

/// <param name="Contests">Null: every contest.</param>
public sealed record DownloadCommand(Uri Api, string Out, IReadOnlyList<string>? Contests, int Parallel) : Command;

/// <summary>Checks a folder, or (with <paramref name="Api"/>) what the API shows now.</summary>
/// <param name="Contests">Null: every contest there is.</param>
public sealed record CheckCommand(string? Folder, Uri? Api, IReadOnlyList<string>? Contests, int Parallel) : Command;

public sealed class UsageException(string message) : Exception(message);

/// <summary>Reads <c>download|check [FOLDER] [--option value | --option=value]...</c>; see <see cref="HelpText"/>.</summary>
public static class CommandLine
{
    public const int DefaultParallel = 16;

    /// <exception cref="UsageException">The arguments do not make a command.</exception>
    public static Command Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args.Any(a => a is "-h" or "--help" or "-?" or "help")) return new HelpCommand();
        if (args[0] is not ("download" or "check")) throw new UsageException($"unknown command '{args[0]}' (download or check)");
        string? folder = null, output = null;
        Uri? api = null;
        IReadOnlyList<string>? contests = null;
        var parallel = DefaultParallel;
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (args[0] != "check" || folder is not null) throw new UsageException($"unexpected argument '{arg}'");
                folder = arg;
                continue;
            }
            var (name, inline) = arg.IndexOf('=') is var eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"--{name} needs a value"));
            switch (name)
            {
                case "api": api = ParseApi(Value()); break;
                case "out" when args[0] == "download": output = Value(); break;
                case "contests": contests = ParseContests(Value()); break;
                case "parallel": parallel = ParseParallel(Value()); break;
                default: throw new UsageException($"unknown option --{name} for {args[0]}");
            }
        }
        return args[0] switch
        {
            "download" => new DownloadCommand(
                api ?? throw new UsageException("download needs --api URL (e.g. http://localhost:5080)"),
                output ?? throw new UsageException("download needs --out FOLDER"), contests, parallel),
            "check" when (folder is null) == (api is null) => throw new UsageException("check needs either a FOLDER written by download or --api URL, not both"),
            _ => new CheckCommand(folder, api, contests, parallel),
        };
    }

    private static Uri ParseApi(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"--api '{value}' is not an http(s) URL");
        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    private static string[] ParseContests(string value)
    {
        var ids = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return ids.Length > 0 ? ids : throw new UsageException("--contests needs at least one contest id, e.g. PGUB-35");
    }

    private static int ParseParallel(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64
            ? n
            : throw new UsageException($"--parallel '{value}' must be a whole number from 1 to 64");
}
