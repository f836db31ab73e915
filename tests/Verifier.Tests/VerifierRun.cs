namespace KpuOrleans.Verifier.Tests;

/// <summary>What one run of the verifier's command line printed and returned.</summary>
public sealed record VerifierRun(int ExitCode, string Output, string Error)
{
    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The command line as a user types it after <c>dotnet run --project tools/Verifier --</c>, in process.</summary>
    public static async Task<VerifierRun> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await VerifierApp.RunAsync(args, output, error, CancellationToken.None);
        return new VerifierRun(exitCode, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}
