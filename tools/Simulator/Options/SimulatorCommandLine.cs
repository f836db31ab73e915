using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using KpuOrleans.Simulator.Rehearsal;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Tokens;

namespace KpuOrleans.Simulator.Options;

/// <summary>
/// <c>[night|flood] [options]</c>, <c>token [options]</c>, <c>certify [options]</c>: the simulator's command line,
/// defined once with System.CommandLine. It parses, checks every value and writes <c>--help</c> from these definitions;
/// what is wrong is reported in the simulator's own words, with exit code 2.
/// </summary>
internal sealed class SimulatorCommandLine
{
    /// <summary>No <c>@file</c> response files: an argument is what was typed.</summary>
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null };

    public RunOptions Run { get; } = new();
    public TokenOptions Token { get; } = new();

    public Command Certify { get; } = new("certify",
        "Certify bottom up every district, regency and province of the slice (a province only when the slice holds all of it; " +
        "the nation certifies nothing), in every race " +
        "(API.md, \"Certification\"), each by its own office's token; exit 0 when all are in force.");

    /// <summary>Every argument it does not know is the embedded gateway's own configuration (e.g. <c>--urls</c>).</summary>
    public Command Rehearse { get; } = new("rehearse",
        "Start the embedded system (the gateway's composition, in this process, on http://localhost:5080 unless --urls says " +
        "otherwise) and replay the night into it gently, so that the page moves from the first minute. Every other argument " +
        "is the gateway's own configuration. Refused (exit 2) with ConnectionStrings__Kpu set: it is for the embedded system only.")
    {
        TreatUnmatchedTokensAsErrors = false,
    };

    /// <summary>The viewer client a night with <c>--subscribers</c> starts as its own process; not for typing.</summary>
    public Command Watch { get; } = new("watch", "The lean viewer client, driven over stdin/stdout by a night with --subscribers.") { Hidden = true };

    private readonly Option<double?> _rehearsalSpeed = new("--speed")
    {
        Description = "How many times faster than real time the night is replayed (Simulate__Speed; default 60).",
    };

    public Command Root { get; } = new("KpuOrleans.Simulator", Manual.Intro);

    private readonly HelpOption _help = new("--help", "-h", "-?") { Recursive = true };

    /// <param name="keyFromEnvironment">The signing key <c>token</c> uses without <c>--key</c>: the gateways' <c>Auth__SigningKey</c>.</param>
    public SimulatorCommandLine(string? keyFromEnvironment)
    {
        Root.Arguments.Add(Run.ModeArgument);
        foreach (var option in Run.All) Root.Options.Add(option);
        foreach (var option in Run.ForCertify) Certify.Options.Add(option);
        _help.Action = new HelpWithNotes(Root, Manual.Notes);
        Root.Options.Add(_help);
        Root.Subcommands.Add(Token.Command);
        Root.Subcommands.Add(Certify);
        Rehearse.Options.Add(_rehearsalSpeed);
        Root.Subcommands.Add(Rehearse);
        Root.Validators.Add(result =>
        {
            if (result.GetValue(Run.StalledSubscribers) > result.GetValue(Run.Subscribers))
                result.AddError($"--stalled-subscribers {result.GetValue(Run.StalledSubscribers)} is more than the {result.GetValue(Run.Subscribers)} --subscribers");
        });
        Root.Validators.Add(OneRegistry);
        Certify.Validators.Add(OneRegistry);
        Watch.Options.Add(Run.Target);
        Root.Subcommands.Add(Watch);
        Watch.SetAction((parsed, cancellationToken) => Viewers.WatchCommand.RunAsync(parsed.GetValue(Run.Target)!, Console.In, Console.Out, cancellationToken));
        _rehearsalSpeed.Validators.Add(result =>
        {
            // A value that is no number at all is the parser's own error; this is the one it cannot know.
            if (result.Tokens is [var token] && double.TryParse(token.Value, System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture, out var speed) && speed <= 0)
                result.AddError("--speed must be above 0");
        });
        Rehearse.SetAction((parsed, cancellationToken) => RehearsalCommand.RunAsync(GatewayArguments(parsed), OutputOf(parsed), cancellationToken));
        Root.SetAction((parsed, cancellationToken) => SimulatorApp.RunAsync(Run.Bind(parsed), OutputOf(parsed), cancellationToken));
        Certify.SetAction((parsed, cancellationToken) => SimulatorApp.CertifyAsync(Run.BindCertify(parsed), OutputOf(parsed), cancellationToken));
        Token.Command.SetAction(parsed => TokenCommand.Run(parsed, Token, OutputOf(parsed), keyFromEnvironment));
    }

    /// <summary>--registry and its older name --data name one folder: both typed is a mistake, not a choice.</summary>
    private void OneRegistry(CommandResult result)
    {
        if (result.GetResult(Run.Registry) is { Implicit: false } && result.GetResult(Run.Data) is { Implicit: false })
            result.AddError("--registry and --data name the same folder (--data is its older name): give one");
    }

    /// <summary>Parses, then prints help, reports what is wrong, or runs the command: its exit code.</summary>
    public async Task<int> InvokeAsync(IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken)
    {
        var parsed = Parse(args);
        return Answer(parsed, output) ?? await parsed.InvokeAsync(Invocation(output), cancellationToken);
    }

    /// <summary>
    /// Everything the simulator prints goes to <paramref name="output"/>; exceptions are the commands' to handle, and
    /// Ctrl+C is the host's (Program.cs, or the gateway that runs a rehearsal): System.CommandLine takes no signal.
    /// </summary>
    private static InvocationConfiguration Invocation(TextWriter output) =>
        new() { Output = output, Error = output, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };

    private static TextWriter OutputOf(ParseResult parsed) => parsed.InvocationConfiguration.Output;

    public ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args, Configuration);

    public bool HelpRequested(ParseResult parsed) => parsed.GetResult(_help) is not null;

    /// <summary>
    /// Answers what needs no command run: help (exit 0), or the first thing wrong (exit 2). Null: run the command.
    /// </summary>
    public int? Answer(ParseResult parsed, TextWriter output)
    {
        if (HelpRequested(parsed))
        {
            parsed.Invoke(Invocation(output));
            return SimulationOutcome.Passed;
        }
        if (UsageError(parsed) is not { } error) return null;
        output.WriteLine($"error: {error}");
        var command = parsed.CommandResult.Command;
        output.WriteLine(command == Root ? "Run with --help for the options." : $"Run with {command.Name} --help for its options.");
        return SimulationOutcome.UsageError;
    }

    /// <summary>The first thing wrong with a parse, in the words the simulator has always used; null when nothing is.</summary>
    public string? UsageError(ParseResult parsed)
    {
        // System.CommandLine hands an option it does not know to the free positional mode.
        if (parsed.GetResult(Run.ModeArgument) is { Tokens: [var mode] })
        {
            if (mode.Value.StartsWith("--", StringComparison.Ordinal)) return UnknownOption(mode.Value);
            if (parsed.Tokens[0] != mode) return $"unexpected argument '{mode.Value}'";
        }
        if (parsed.CommandResult.Command != Rehearse && parsed.UnmatchedTokens is [var unmatched, ..])
            return unmatched.StartsWith("--", StringComparison.Ordinal) ? UnknownOption(unmatched) : $"unexpected argument '{unmatched}'";
        if (parsed.Errors is not [var error, ..]) return null;
        return error.SymbolResult switch
        {
            OptionResult { Tokens.Count: 0 } valueless => $"{valueless.Option.Name} needs a value",
            OptionResult { Tokens.Count: > 1 } repeated => $"{repeated.Option.Name} is given more than once",
            _ => error.Message,
        };
    }

    /// <summary><c>rehearse</c>'s arguments for the gateway it hosts: the speed as the gateway's key, then all it did not know.</summary>
    private string[] GatewayArguments(ParseResult parsed) =>
        parsed.GetValue(_rehearsalSpeed) is { } speed
            ? [$"--{RehearsalCommand.SpeedKey}={speed.ToString(System.Globalization.CultureInfo.InvariantCulture)}", .. parsed.UnmatchedTokens]
            : [.. parsed.UnmatchedTokens];

    private static string UnknownOption(string token) => $"unknown option {(token.IndexOf('=') is var eq and > 0 ? token[..eq] : token)}";
}
