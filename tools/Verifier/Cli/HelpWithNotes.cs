using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using SystemCommand = System.CommandLine.Command;

namespace KpuOrleans.Verifier.Cli;

/// <summary>
/// The generated help; for the program as a whole also each command's, then the notes no option definition can carry
/// (the files, the checks, the exit codes), so that one <c>--help</c> still describes everything.
/// </summary>
internal sealed class HelpWithNotes(SystemCommand root, string notes) : SynchronousCommandLineAction
{
    private readonly HelpAction _help = new() { MaxWidth = 120 };

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        _help.Invoke(parseResult);
        if (parseResult.CommandResult.Command != root) return 0;
        var configuration = new InvocationConfiguration { Output = parseResult.InvocationConfiguration.Output, EnableDefaultExceptionHandler = false };
        foreach (var command in root.Subcommands.Where(c => !c.Hidden)) root.Parse([command.Name, "--help"]).Invoke(configuration);
        configuration.Output.WriteLine(notes);
        return 0;
    }
}
