using KpuOrleans.Registry;
using KpuOrleans.Simulator.Certifying;
using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Tokens;
using Spectre.Console;

namespace KpuOrleans.Simulator;

/// <summary>The command line (<see cref="SimulatorCommandLine"/>): pick the progress display, run, and turn the outcome into an exit code.</summary>
public static class SimulatorApp
{
    public static Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken) =>
        new SimulatorCommandLine(Environment.GetEnvironmentVariable("Auth__SigningKey")).InvokeAsync(args, output, cancellationToken);

    /// <summary>A night or a flood.</summary>
    internal static async Task<int> RunAsync(SimulatorOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        IProgressDisplay display = !options.Plain && ReferenceEquals(output, Console.Out) && LiveProgress.Supported
            ? new LiveProgress(AnsiConsole.Console)
            : new PlainProgress(output, options.ProgressInterval);
        try
        {
            var outcome = await new SimulationRunner(options, output, display).RunAsync(cancellationToken);
            return outcome.ExitCode;
        }
        catch (ArgumentException e)
        {
            output.WriteLine($"error: {e.Message}");
            return SimulationOutcome.UsageError;
        }
        catch (TargetUnavailableException e)
        {
            output.WriteLine($"error: {e.Message}");
            return SimulationOutcome.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.WriteLine("Interrupted.");
            return SimulationOutcome.Interrupted;
        }
    }

    internal static async Task<int> CertifyAsync(SimulatorOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            var registry = options.LoadRegistry();
            var officers = OfficerTokens.From(options.TokenKey ?? Environment.GetEnvironmentVariable("Auth__SigningKey"));
            using var http = new HttpClient { BaseAddress = options.Target, Timeout = TimeSpan.FromMinutes(2) };
            return await new CertifyCommand(http, registry, officers, output).RunAsync(SimulationRunner.Slice(registry, options), cancellationToken);
        }
        catch (ArgumentException e)
        {
            output.WriteLine($"error: {e.Message}");
            return SimulationOutcome.UsageError;
        }
    }
}
