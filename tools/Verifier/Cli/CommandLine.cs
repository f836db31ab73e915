using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using SystemCommand = System.CommandLine.Command;

namespace KpuOrleans.Verifier.Cli;

/// <summary>
/// <c>download|check|prove [FOLDER] [--option value | --option=value]...</c>, defined once with System.CommandLine: the parser,
/// the checks on every value and <c>--help</c> are all read from these definitions.
/// </summary>
public static class CommandLine
{
    public const int DefaultParallel = 16;

    /// <summary>No <c>@file</c> response files: an argument is what was typed.</summary>
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null };

    /// <exception cref="UsageException">The arguments do not make a command.</exception>
    public static Command Parse(IReadOnlyList<string> args)
    {
        var line = new Definitions();
        var parsed = line.Root.Parse(args, Configuration);
        if (parsed.CommandResult.Command == line.HelpVerb) return new HelpCommand(line.Root.Parse(["--help"], Configuration));
        if (parsed.GetResult(line.Help) is not null) return new HelpCommand(parsed);
        if (UsageError(parsed, line.Root) is { } error) throw new UsageException(error);
        // Not typed, a list option reads as empty; the verifier's "every contest" is null.
        var contests = parsed.GetResult(line.Contests) is null ? null : parsed.GetValue(line.Contests);
        var (api, parallel) = (parsed.GetValue(line.Api), parsed.GetValue(line.Parallel));
        // The rules across options are checked here, once every value is known good: System.CommandLine would report
        // a command's rule before an option's own error, and that is often only a consequence of it.
        var command = parsed.CommandResult.Command;
        if (command == line.Download)
            return new DownloadCommand(
                api ?? throw new UsageException("download needs --api URL (e.g. http://localhost:5080)"),
                parsed.GetValue(line.Out) ?? throw new UsageException("download needs --out FOLDER"), contests, parallel);
        if (command == line.Check)
        {
            var folder = parsed.GetValue(line.Folder);
            if ((folder is null) == (api is null)) throw new UsageException("check needs either a FOLDER written by download or --api URL, not both");
            var photos = parsed.GetValue(line.Photos);
            if (photos is not null && api is null) throw new UsageException("--photos needs --api URL: photos are checked against the API, not offline");
            return new CheckCommand(folder, api, contests, parallel, photos);
        }
        if (command == line.Prove) return Prove(parsed, line, api);
        return new HelpCommand(parsed); // no command at all
    }

    private static ProveCommand Prove(ParseResult parsed, Definitions line, Uri? api)
    {
        var contest = parsed.GetValue(line.Contest) ?? throw new UsageException("prove needs --contest ID (e.g. PGUB-35)");
        var tps = parsed.GetValue(line.Tps) ?? throw new UsageException("prove needs --tps CODE (e.g. 35.78.01.1001.001)");
        var (receipt, form) = (parsed.GetValue(line.Receipt), parsed.GetValue(line.Form));
        if ((receipt is null) == (form is null)) throw new UsageException("prove needs either --receipt DIGEST or --form FILE, not both");
        var (proof, save, certificate, top) = (parsed.GetValue(line.Proof), parsed.GetValue(line.Save), parsed.GetValue(line.Certificate), parsed.GetValue(line.Top));
        if ((api is null) == (proof is null)) throw new UsageException("prove needs either --api URL (fetch the proof) or --proof FILE (a saved one), not both");
        if (save is not null && api is null) throw new UsageException("--save needs --api URL: it saves the proof fetched");
        if (certificate is not null && api is null) throw new UsageException("--certificate needs --api URL: it is asked of the server (a saved proof ends where it ends)");
        if (top is not null && api is not null) throw new UsageException("--top is for a saved proof (--proof FILE): with --api the published digest is read");
        if (proof is not null && Proofs.ContestScope.Of(contest) is null)
            throw new UsageException($"--contest '{contest}' does not end in its scope's code (e.g. PGUB-35, PWAL-35.78): a saved proof is checked without the contest list");
        return new ProveCommand(contest, tps, receipt, form, api, proof, save, certificate, top);
    }

    /// <summary>The first thing wrong, in the words the verifier has always used; null when nothing is.</summary>
    private static string? UsageError(ParseResult parsed, SystemCommand root)
    {
        var command = parsed.CommandResult.Command;
        if (parsed.UnmatchedTokens is [var unmatched, ..])
        {
            if (command == root) return $"unknown command '{unmatched}' (download, check or prove)";
            return unmatched.StartsWith("--", StringComparison.Ordinal) ? UnknownOption(unmatched, command) : $"unexpected argument '{unmatched}'";
        }
        if (parsed.Errors is not [var error, ..]) return null;
        return error.SymbolResult switch
        {
            OptionResult { Tokens.Count: 0 } valueless => $"{valueless.Option.Name} needs a value",
            OptionResult { Tokens.Count: > 1 } repeated => $"{repeated.Option.Name} is given more than once",
            _ => error.Message,
        };
    }

    private static string UnknownOption(string token, SystemCommand command) =>
        $"unknown option {(token.IndexOf('=') is var eq and > 0 ? token[..eq] : token)} for {command.Name}";

    /// <summary>One command line's symbols: System.CommandLine ties each symbol to the commands it is added to.</summary>
    private sealed class Definitions
    {
        public Option<Uri?> Api { get; } = new("--api")
        {
            HelpName = "URL",
            Description = "The gateway, e.g. http://localhost:5080 (reads are anonymous).",
            CustomParser = result => ParseApi(result),
        };

        public Option<string?> Out { get; } = new("--out") { HelpName = "FOLDER", Description = "Where download writes (created if need be)." };

        public Option<string[]?> Contests { get; } = new("--contests")
        {
            HelpName = "IDS",
            Arity = ArgumentArity.ExactlyOne,
            Description = "Comma-separated contest ids, e.g. PGUB-35,PWAL-35.79 or PGUB-31,PBUP-34.01. Default: every contest (download: all 545 " +
                          "of a national system), every contest " +
                          "whose files FOLDER holds (check).",
            CustomParser = result => ParseContests(result),
        };

        public Option<int> Parallel { get; } = new("--parallel")
        {
            HelpName = "N",
            Description = "Requests in flight at once (1-64). A 429 or 503 is waited out as its Retry-After says and asked again.",
            DefaultValueFactory = _ => DefaultParallel,
            CustomParser = result => ParseParallel(result),
        };

        public Option<Photos.PhotoSelection?> Photos { get; } = new("--photos")
        {
            HelpName = "all|none|N",
            Description = "With --api: which photos the exports cite to download and hash against their names: all, none (photos " +
                          $"not checked), or N drawn at random (the rest asked for with HEAD, so their presence is still checked). " +
                          $"Default: all when the exports cite at most {KpuOrleans.Verifier.Photos.PhotoSelection.SmallExport:N0}, else a sample of that many.",
            CustomParser = result => ParsePhotos(result),
        };

        public Argument<string?> Folder { get; } = new("FOLDER")
        {
            Arity = ArgumentArity.ZeroOrOne,
            Description = "A folder written by download (or a copy of one), checked offline.",
            CustomParser = result => ParseFolder(result),
        };

        public Option<string?> Contest { get; } = new("--contest") { HelpName = "ID", Description = "The race, e.g. PGUB-35." };

        public Option<string?> Tps { get; } = new("--tps")
        {
            HelpName = "CODE",
            Description = "The TPS, e.g. 35.78.01.1001.001.",
            CustomParser = result => ParseTps(result),
        };

        public Option<string?> Receipt { get; } = new("--receipt")
        {
            HelpName = "DIGEST",
            Description = "The form's receipt: the 64-hex \"digest\" of its 201 (or of its version in the TPS's history).",
            CustomParser = result => ParseDigest(result, "--receipt"),
        };

        public Option<string?> Form { get; } = new("--form")
        {
            HelpName = "FILE",
            Description = "The form as held (e.g. typed from the photographed C.Hasil), in POST /api/v1/results' JSON shape; its numbers must be the counted ones.",
        };

        public Option<string?> Proof { get; } = new("--proof")
        {
            HelpName = "FILE",
            Description = "A saved proof (GET /api/v1/proof/{contest}/{tps} as answered, e.g. written by --save), checked offline.",
        };

        public Option<string?> Save { get; } = new("--save") { HelpName = "FILE", Description = "With --api: also write the proof fetched (the one checked) to FILE." };

        public Option<string?> Certificate { get; } = new("--certificate")
        {
            HelpName = "none|CODE|DIGEST",
            Description = "With --api: where the proof ends (?certificate=): none (live, at the top of the race), the region CODE whose " +
                          "certificate is in force, or the certificate with that DIGEST. Default: the server's, a certificate when one is in force on the path.",
            CustomParser = result => ParseCertificate(result),
        };

        public Option<string?> Top { get; } = new("--top")
        {
            HelpName = "DIGEST",
            Description = "With --proof: the published (or certified) digest the proof must end at, e.g. from GET /api/v1/tally/{contest}/{scope}. " +
                          "Without it a saved proof's top is not confirmed, and prove says so.",
            CustomParser = result => ParseDigest(result, "--top"),
        };

        public HelpOption Help { get; } = new("--help", "-h", "-?") { Recursive = true };
        public SystemCommand Download { get; } = new("download", "Saves what the API publishes into --out FOLDER, the files below.");

        public SystemCommand Check { get; } = new("check",
            "Checks a FOLDER written by download (or a copy of one), offline; with --api, downloads into a temporary folder " +
            "first and checks that. Run it once the count has settled: an export and tallies read while forms still arrive " +
            "are of different moments and differ.");

        public SystemCommand Prove { get; } = new("prove",
            "Checks that one TPS's form, given by its receipt or its numbers, is inside the live or certified total: fetches the TPS's " +
            "inclusion proof from --api (or reads a saved one, --proof) and recomputes it offline (docs/API.md, \"Checking a proof\"), " +
            "printing the path from the TPS up, each level ticked, and where it breaks if it does.");

        /// <summary><c>help</c> as a word, as well as <c>--help</c>.</summary>
        public SystemCommand HelpVerb { get; } = new("help") { Hidden = true };

        public SystemCommand Root { get; } = new("KpuOrleans.Verifier", Manual.Intro);

        public Definitions()
        {
            Download.Options.Add(Api);
            Download.Options.Add(Out);
            Download.Options.Add(Contests);
            Download.Options.Add(Parallel);
            Check.Arguments.Add(Folder);
            Check.Options.Add(Api);
            Check.Options.Add(Contests);
            Check.Options.Add(Parallel);
            Check.Options.Add(Photos);
            foreach (var option in new Option[] { Contest, Tps, Receipt, Form, Api, Proof, Save, Certificate, Top }) Prove.Options.Add(option);
            var help = new HelpWithNotes(Root, Manual.Notes);
            Help.Action = help;
            Root.Action = help;
            Root.Options.Add(Help);
            Root.Subcommands.Add(Download);
            Root.Subcommands.Add(Check);
            Root.Subcommands.Add(Prove);
            Root.Subcommands.Add(HelpVerb);
        }
    }

    private static Uri? ParseApi(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        result.AddError($"--api '{value}' is not an http(s) URL");
        return null;
    }

    private static string? ParseTps(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (Evidence.RegionCode.IsTps(value)) return value;
        result.AddError($"--tps '{value}' is not a TPS code (e.g. 35.78.01.1001.001)");
        return null;
    }

    private static string? ParseDigest(ArgumentResult result, string name)
    {
        var value = result.Tokens[0].Value;
        if (IsDigest(value)) return value.ToLowerInvariant();
        result.AddError($"{name} '{value}' is not a digest: 64 hex characters");
        return null;
    }

    private static bool IsDigest(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);

    private static string? ParseCertificate(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (value == "none" || (value.Split('.').All(s => s.Length > 0 && s.All(char.IsAsciiDigit)) && Evidence.RegionCode.Depth(value) < Evidence.RegionCode.TpsDepth))
            return value;
        if (IsDigest(value)) return value.ToLowerInvariant();
        result.AddError($"--certificate '{value}' must be none, a region code (e.g. 35.78) or a 64-hex digest");
        return null;
    }

    private static string[]? ParseContests(ArgumentResult result)
    {
        var ids = result.Tokens[0].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length > 0) return ids;
        result.AddError("--contests needs at least one contest id, e.g. PGUB-35");
        return null;
    }

    private static Photos.PhotoSelection? ParsePhotos(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (KpuOrleans.Verifier.Photos.PhotoSelection.Parse(value) is { } selection) return selection;
        result.AddError($"--photos '{value}' must be all, none or a whole number of photos to download (1 or more)");
        return null;
    }

    private static int ParseParallel(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64) return n;
        result.AddError($"--parallel '{value}' must be a whole number from 1 to 64");
        return 0;
    }

    /// <summary>System.CommandLine hands an option it does not know to a free argument; the verifier calls it what it is.</summary>
    private static string? ParseFolder(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (!value.StartsWith("--", StringComparison.Ordinal)) return value;
        result.AddError(UnknownOption(value, ((CommandResult)result.Parent!).Command));
        return null;
    }
}
