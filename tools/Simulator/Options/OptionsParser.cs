namespace KpuOrleans.Simulator.Options;

/// <summary>The outcome of reading the command line: options to run with, a request for help, or what was wrong.</summary>
internal sealed record ParsedArguments(SimulatorOptions? Options, bool HelpRequested, string? Error);

/// <summary>Reads the options of a night or a flood from <see cref="SimulatorCommandLine"/>, without running anything.</summary>
internal static class OptionsParser
{
    public static ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var commandLine = new SimulatorCommandLine(keyFromEnvironment: null);
        var parsed = commandLine.Parse(args);
        if (commandLine.HelpRequested(parsed)) return new ParsedArguments(null, true, null);
        return commandLine.UsageError(parsed) is { } error
            ? new ParsedArguments(null, false, error)
            : new ParsedArguments(commandLine.Run.Bind(parsed), false, null);
    }
}
