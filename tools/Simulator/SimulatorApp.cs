using KpuOrleans.Registry;
using KpuOrleans.Simulator.Certifying;
using KpuOrleans.Simulator.Display;
using KpuOrleans.Simulator.Options;
using KpuOrleans.Simulator.Rehearsal;
using KpuOrleans.Simulator.Reporting;
using KpuOrleans.Simulator.Tokens;
using Spectre.Console;

namespace KpuOrleans.Simulator;

/// <summary>The command line: parse, pick the progress display, run, and turn the outcome into an exit code.</summary>
public static class SimulatorApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args is ["token", .. var tokenArgs]) return TokenCommand.Run(tokenArgs, output, Environment.GetEnvironmentVariable("Auth__SigningKey"));
        if (args is ["certify", .. var certifyArgs]) return await CertifyAsync(certifyArgs, output, cancellationToken);
        if (args is ["rehearse", .. var gatewayArgs]) return await RehearsalCommand.RunAsync(gatewayArgs, output, cancellationToken);
        var parsed = OptionsParser.Parse(args);
        if (parsed.HelpRequested)
        {
            output.WriteLine(HelpText.Text);
            return SimulationOutcome.Passed;
        }
        if (parsed.Options is not { } options)
        {
            output.WriteLine($"error: {parsed.Error}");
            output.WriteLine("Run with --help for the options.");
            return SimulationOutcome.UsageError;
        }

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

    private static async Task<int> CertifyAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var parsed = OptionsParser.Parse(args);
        if (parsed.Options is not { } options || parsed.HelpRequested)
        {
            if (parsed.Error is { } error) output.WriteLine($"error: {error}");
            output.WriteLine(CertifyCommand.Usage);
            return parsed.HelpRequested ? SimulationOutcome.Passed : SimulationOutcome.UsageError;
        }
        try
        {
            var registry = RegionRegistry.Load(RegistryFiles.InFolder(options.DataFolder ?? Path.Combine(AppContext.BaseDirectory, "data")));
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
