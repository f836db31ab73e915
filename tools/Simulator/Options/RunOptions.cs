using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using KpuOrleans.Registry;

namespace KpuOrleans.Simulator.Options;

/// <summary>
/// The options of a night or a flood, each with its default, its range and its description: System.CommandLine parses,
/// checks and documents them from here. <c>certify</c> shares the four it needs.
/// </summary>
internal sealed class RunOptions
{
    /// <summary>
    /// <c>night</c> or <c>flood</c>, first. Hidden: System.CommandLine would list it in every sub-command's help too;
    /// the program's description lists the modes instead.
    /// </summary>
    public Argument<RunMode?> ModeArgument { get; } = new("mode")
    {
        Hidden = true,
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => ParseMode(result),
    };

    public Option<RunMode?> Mode { get; } = new("--mode")
    {
        HelpName = "night|flood",
        Description = "Same as the positional mode.",
        CustomParser = result => ParseMode(result),
    };

    public Option<Uri> Target { get; } = new("--target")
    {
        HelpName = "URL",
        Description = "The gateway.",
        DefaultValueFactory = _ => new SimulatorOptions().Target,
        CustomParser = result => ParseTarget(result),
    };

    public Option<string[]> Regions { get; } = new("--regions")
    {
        HelpName = "CODES",
        Arity = ArgumentArity.ExactlyOne,
        Description = "Comma-separated region codes to restrict the run to, from one province or several (e.g. 35.78,35.79, " +
                      "31,34,35.78, or a district or village). Default: the whole registry (the province, or the country).",
        CustomParser = result => ParseRegions(result),
    };

    public Option<long> Seed { get; } = new("--seed")
    {
        HelpName = "N",
        Description = "Seed for the forms, the mix, the arrival times and the viewers.",
        DefaultValueFactory = _ => new SimulatorOptions().Seed,
        CustomParser = result => ParseLong(result),
    };

    public Option<double> Speed { get; } = Number("--speed", "X", new SimulatorOptions().Speed, 0.001, 10_000_000,
        "Night mode: how many times faster than real time (720 = 12 h in 1 min).");

    public Option<int> Concurrency { get; } = WholeNumber("--concurrency", "N", new SimulatorOptions().Concurrency, 1, 1024,
        "Requests in flight at once (1-1024).");

    public Option<int> Batch { get; } = WholeNumber("--batch", "N", new SimulatorOptions().Batch, 1, 1000,
        "Forms per request (1-1000); above 1, POST /api/v1/results/batch.");

    public Option<double> Retries { get; } = Number("--retries", "P", new SimulatorOptions().RetriesPct, 0, 100,
        "Percent of (TPS, race) forms sent again after acceptance: expect 200.");

    public Option<double> Corrections { get; } = Number("--corrections", "P", new SimulatorOptions().CorrectionsPct, 0, 100,
        "Percent corrected with version+1 and a reason: expect 201.");

    public Option<double> Invalid { get; } = Number("--invalid", "P", new SimulatorOptions().InvalidPct, 0, 100,
        "Percent preceded by a form breaking a rule of API.md: expect 422.");

    public Option<int> Subscribers { get; } = WholeNumber("--subscribers", "M", new SimulatorOptions().Subscribers, 0, 50_000,
        "SignalR viewers on /hubs/tally, each following one random region of the slice at every level down to a TPS; " +
        "measures delivery delay. They run in a lean client process of their own (the simulator's 'watch').");

    public Option<int> StalledSubscribers { get; } = WholeNumber("--stalled-subscribers", "K", new SimulatorOptions().StalledSubscribers, 0, 50_000,
        "Of the --subscribers viewers, K stop reading their socket for good once a third of the forms is sent (still " +
        "pinging: slow, not dead); left out of delivery and recount figures, and counted when the gateway drops them.");

    public Option<double> Photos { get; } = Number("--photos", "SHARE", new SimulatorOptions().PhotosShare, 0, 1,
        "Share (0-1) of (TPS, race) forms that cite photos of their C.Hasil sheet: a synthetic PNG per page (about 16 KB) " +
        "showing the TPS, the race and every number, uploaded with PUT /api/v1/photos/{sha256} by the form's officer " +
        "(HEAD first, so a stored page is not sent again). The end checks every cited page is stored and the tallies' " +
        "photoMissing. Default 0: no photos.");

    public Option<int> PhotoPages { get; } = WholeNumber("--photo-pages", "N", new SimulatorOptions().PhotoPages, 1, 8,
        "Pages per photographed form (1-8): its rows split across them in order, each page with the header.");

    public Option<double> PhotoLate { get; } = Number("--photo-late", "SHARE", new SimulatorOptions().PhotoLateShare, 0, 1,
        "Share (0-1) of photographed forms whose pages are uploaded after the form (1-30 night minutes later), as a phone " +
        "on a bad network does: the form is flagged photo-missing until they arrive. The rest go before the form.");

    public Option<double> DisputeShare { get; } = Number("--dispute-share", "SHARE", new SimulatorOptions().DisputeShare, 0, 1,
        "Share (0-1) of TPS where one race's photo shows one number other than its form's (the field and the race drawn " +
        "from the seed; such a race always cites photos), and a citizen files POST /api/v1/disputes naming that field " +
        "once the race's forms are in, so that operators can rehearse. Each dispute comes as from its own address " +
        "(X-Forwarded-For, which a gateway believes only from loopback or its trusted proxies).");

    public Option<double> Settle { get; } = Number("--settle", "SECONDS", new SimulatorOptions().Settle.TotalSeconds, 0, 3600,
        "How long the end-of-run checks wait for tallies to catch up.");

    public Option<double> Timeout { get; } = Number("--timeout", "SECONDS", new SimulatorOptions().RequestTimeout.TotalSeconds, 0.1, 3600,
        "HTTP request timeout; a request without an answer counts as an error.");

    public Option<int> Attempts { get; } = WholeNumber("--attempts", "N", new SimulatorOptions().Attempts, 1, 100,
        "Sends per form when there is no answer or a 5xx (each one an error); a 429 does not spend one.");

    public Option<string> CheckDownTo { get; } = new("--check-down-to")
    {
        HelpName = "LEVEL",
        Description = "Deepest level the final check reads: province, regency, district, village or tps (it always reads " +
                      "every level above the slice too), or none to skip the check (a target that serves no tallies).",
        DefaultValueFactory = _ => "village",
        CustomParser = result => ParseLevelName(result),
    };

    public Option<string?> ReportJson { get; } = new("--report-json")
    {
        HelpName = "FILE",
        Description = "Also write the run's figures (throughput, latency and delivery percentiles, answers by status, the " +
                      "check) to FILE as JSON.",
    };

    public Option<string?> TokenKey { get; } = new("--token-key")
    {
        HelpName = "BASE64",
        Description = "Sign a bearer token for every officer with this HS256 key (the gateways' Auth__SigningKey, which is " +
                      "also the default): a TPS's KPPS sends its first form, its village's PPS the corrections, a batch the " +
                      "narrowest office holding all its forms; certify: each office its certifications. Without a key, " +
                      "requests go without tokens.",
    };

    public Option<string?> Registry { get; } = new("--registry")
    {
        HelpName = "FOLDER",
        Description = "The registry to run on, as the gateways' Registry__Path: a folder of *-regions.csv, *-tps.csv and " +
                      "*-contests.csv, e.g. data/indonesia for the whole country. Default: $Registry__Path, else data/ beside " +
                      "the simulator (Jawa Timur). A relative folder is taken from the working directory, else from beside the simulator.",
    };

    public Option<string?> Data { get; } = new("--data")
    {
        HelpName = "FOLDER",
        Description = "The older name of --registry.",
    };

    public Option<bool> Plain { get; } = new("--plain")
    {
        Description = "Periodic plain lines instead of the live display (automatic when output is redirected).",
    };

    public Option<double> ProgressInterval { get; } = Number("--progress-interval", "S", new SimulatorOptions().ProgressInterval.TotalSeconds, 0.1, 3600,
        "Seconds between plain progress lines.");

    /// <summary>Everything a night or a flood reads, in the order <c>--help</c> lists it.</summary>
    public IEnumerable<Option> All =>
    [
        Mode, Target, Regions, Seed, Speed, Concurrency, Batch, Retries, Corrections, Invalid, Subscribers, StalledSubscribers, Photos, PhotoPages, PhotoLate,
        DisputeShare, Settle, Timeout, Attempts, CheckDownTo, ReportJson, TokenKey, Registry, Data, Plain, ProgressInterval,
    ];

    /// <summary>What <c>certify</c> reads.</summary>
    public IEnumerable<Option> ForCertify => [Target, Regions, TokenKey, Registry, Data];

    /// <summary>The options of a parse that System.CommandLine found no fault with.</summary>
    public SimulatorOptions Bind(ParseResult parsed) => new()
    {
        // The named option wins over the positional mode, which can only come first.
        Mode = parsed.GetValue(Mode) ?? parsed.GetValue(ModeArgument) ?? RunMode.Night,
        Target = parsed.GetValue(Target)!,
        Regions = RegionsOf(parsed),
        Seed = parsed.GetValue(Seed),
        Speed = parsed.GetValue(Speed),
        Concurrency = parsed.GetValue(Concurrency),
        Batch = parsed.GetValue(Batch),
        RetriesPct = parsed.GetValue(Retries),
        CorrectionsPct = parsed.GetValue(Corrections),
        InvalidPct = parsed.GetValue(Invalid),
        Subscribers = parsed.GetValue(Subscribers),
        StalledSubscribers = parsed.GetValue(StalledSubscribers),
        PhotosShare = parsed.GetValue(Photos),
        PhotoPages = parsed.GetValue(PhotoPages),
        PhotoLateShare = parsed.GetValue(PhotoLate),
        DisputeShare = parsed.GetValue(DisputeShare),
        Settle = TimeSpan.FromSeconds(parsed.GetValue(Settle)),
        RequestTimeout = TimeSpan.FromSeconds(parsed.GetValue(Timeout)),
        Attempts = parsed.GetValue(Attempts),
        CheckDownTo = LevelNamed(parsed.GetValue(CheckDownTo)!),
        ReportJson = parsed.GetValue(ReportJson),
        TokenKey = parsed.GetValue(TokenKey),
        DataFolder = RegistryOf(parsed),
        Plain = parsed.GetValue(Plain),
        ProgressInterval = TimeSpan.FromSeconds(parsed.GetValue(ProgressInterval)),
    };

    public SimulatorOptions BindCertify(ParseResult parsed) => new()
    {
        Target = parsed.GetValue(Target)!,
        Regions = RegionsOf(parsed),
        TokenKey = parsed.GetValue(TokenKey),
        DataFolder = RegistryOf(parsed),
    };

    private string? RegistryOf(ParseResult parsed) => parsed.GetValue(Registry) ?? parsed.GetValue(Data);

    /// <summary>Not typed, a list option reads as empty, which is what the simulator means too: the whole registry.</summary>
    private string[] RegionsOf(ParseResult parsed) => parsed.GetValue(Regions) ?? [];

    private static Option<int> WholeNumber(string name, string helpName, int defaultValue, int min, int max, string description) => new(name)
    {
        HelpName = helpName,
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var value = result.Tokens[0].Value;
            if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
            result.AddError($"{name} '{value}' must be a whole number from {min} to {max}");
            return 0;
        },
    };

    private static Option<double> Number(string name, string helpName, double defaultValue, double min, double max, string description) => new(name)
    {
        HelpName = helpName,
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var value = result.Tokens[0].Value;
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
            result.AddError($"{name} '{value}' must be a number from {min} to {max}");
            return 0;
        },
    };

    private static RunMode? ParseMode(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        switch (value.ToLowerInvariant())
        {
            case "night": return RunMode.Night;
            case "flood": return RunMode.Flood;
            default:
                result.AddError($"unknown mode '{value}' (night or flood)");
                return null;
        }
    }

    private static Uri ParseTarget(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        result.AddError($"--target '{value}' is not an http(s) URL");
        return new SimulatorOptions().Target;
    }

    private static string[] ParseRegions(ArgumentResult result)
    {
        var codes = result.Tokens[0].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (codes.Length == 0) result.AddError("--regions needs at least one region code");
        return codes;
    }

    private static long ParseLong(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) return n;
        result.AddError($"--seed '{value}' is not a whole number");
        return 0;
    }

    private static readonly string[] LevelNames = ["province", "regency", "district", "village", "tps", "none"];

    private static string ParseLevelName(ArgumentResult result)
    {
        var value = result.Tokens[0].Value;
        if (LevelNames.Contains(value.ToLowerInvariant())) return value.ToLowerInvariant();
        result.AddError($"--check-down-to '{value}': province, regency, district, village, tps or none");
        return "village";
    }

    private static Level? LevelNamed(string name) => name switch
    {
        "none" => null,
        "province" => Level.Province,
        "regency" => Level.Regency,
        "district" => Level.District,
        "village" => Level.Village,
        _ => Level.Tps,
    };
}
