using KpuOrleans.Silo.Hosting;
using KpuOrleans.Silo.Operations;
using KpuOrleans.Silo.Storage;
using KpuOrleans.Simulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace KpuOrleans.Gateway.Hosting;

/// <summary>
/// <c>--simulate</c>: replays election night against this very gateway, gently, so that the first command already
/// shows a page that moves. It is the simulator's own night mode over loopback HTTP, so every form still goes through
/// the API, the rules and the grains exactly as a real submission would.
/// </summary>
public static class Rehearsal
{
    public const string Switch = "--simulate";

    /// <summary>Takes <c>--simulate</c> off the command line (it is not a configuration key) and says whether it was there.</summary>
    public static bool Requested(ref string[] args)
    {
        var requested = args.Contains(Switch, StringComparer.Ordinal);
        args = [.. args.Where(a => a != Switch)];
        return requested;
    }

    public static WebApplicationBuilder AddKpuRehearsal(this WebApplicationBuilder builder)
    {
        if (builder.KpuStorage().IsDurable)
            throw new SettingsRefusedException(
                $"{Switch} replays a simulated night into the embedded, in-memory system only; this gateway is configured for a real cluster " +
                "(ConnectionStrings:Kpu is set). Run the simulator against it instead: dotnet run --project tools/Simulator -- --target <gateway URL>");
        builder.Services.AddHostedService<RehearsalNight>();
        return builder;
    }
}

/// <summary>Runs the simulator once the gateway listens; stops with the gateway.</summary>
internal sealed class RehearsalNight(IServer server, IHostApplicationLifetime lifetime, IConfiguration configuration, ManagementListener management,
    ILogger<RehearsalNight> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await StartedAsync(stoppingToken)) return;
        // The public API's address: the management port serves none of it.
        var addresses = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Where(a => !management.Ports.Contains(BindingAddress.Parse(a).Port));
        var target = LoopbackAddress(addresses);
        if (target is null)
        {
            logger.LogError("{Switch}: the gateway listens on no http address the simulator can reach", Rehearsal.Switch);
            return;
        }
        var speed = configuration["Simulate:Speed"] ?? "60";
        logger.LogWarning("{Switch}: replaying election night into {Target} at {Speed}× real time (Simulate:Speed); the page shows it live",
            Rehearsal.Switch, target, speed);
        var exitCode = await SimulatorApp.RunAsync(
            ["night", "--target", target, "--speed", speed, "--plain", "--progress-interval", "15"], Console.Out, stoppingToken);
        if (!stoppingToken.IsCancellationRequested)
            logger.LogWarning("{Switch}: the simulated night is over (simulator exit code {ExitCode}); the gateway keeps serving", Rehearsal.Switch, exitCode);
    }

    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled());
        try
        {
            await started.Task;
            return true;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>An address this process can call itself on; a wildcard host (all interfaces) is reached on localhost.</summary>
    private static string? LoopbackAddress(IEnumerable<string> addresses) =>
        addresses
            .Where(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            .Select(a => new UriBuilder(a.Replace("://+", "://localhost").Replace("://*", "://localhost")))
            .Select(u => { if (u.Host is "0.0.0.0" or "[::]" or "::") u.Host = "localhost"; return u.Uri.ToString(); })
            .FirstOrDefault();
}
