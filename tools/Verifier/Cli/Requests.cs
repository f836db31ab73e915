using System.CommandLine;

namespace KpuOrleans.Verifier.Cli;

/// <summary>What the command line asks for.</summary>
public abstract record Command;

/// <summary>Help, for the command it was asked of; <see cref="Write"/> prints the text generated from the definitions.</summary>
public sealed record HelpCommand(ParseResult Parsed) : Command
{
    public void Write(TextWriter output) => Parsed.Invoke(new InvocationConfiguration { Output = output, EnableDefaultExceptionHandler = false });
}

/// <param name="Contests">Null: every contest.</param>
public sealed record DownloadCommand(Uri Api, string Out, IReadOnlyList<string>? Contests, int Parallel) : Command;

/// <summary>Checks a folder, or (with <paramref name="Api"/>) what the API shows now.</summary>
/// <param name="Contests">Null: every contest there is.</param>
/// <param name="Photos">Which cited photos to download and hash (with <paramref name="Api"/>); null: as many as the default says.</param>
public sealed record CheckCommand(string? Folder, Uri? Api, IReadOnlyList<string>? Contests, int Parallel, Photos.PhotoSelection? Photos = null) : Command;

/// <summary>
/// Whether one TPS's form is inside the total: the form by its <paramref name="Receipt"/> or its numbers
/// (<paramref name="Form"/>, a file), the proof fetched from <paramref name="Api"/> or read from <paramref name="Proof"/>.
/// </summary>
/// <param name="Certificate">With <paramref name="Api"/>: <c>?certificate=</c>; null: the server's default.</param>
/// <param name="Top">With <paramref name="Proof"/>: the digest its top must have; null: not confirmed.</param>
public sealed record ProveCommand(string Contest, string Tps, string? Receipt, string? Form, Uri? Api, string? Proof, string? Save, string? Certificate,
    string? Top) : Command;

public sealed class UsageException(string message) : Exception(message);
