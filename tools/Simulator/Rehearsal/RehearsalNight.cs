using KpuOrleans.Gateway;
using KpuOrleans.Hosting;
using KpuOrleans.Hosting.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Simulator.Rehearsal;

/// <summary>
/// <c>rehearse</c>: starts the embedded system (the gateway's own composition, in this process) and replays election
/// night into it, gently, so that one command shows a page that moves. It is the simulator's night mode over loopback
/// HTTP, so every form still goes through the API, the rules and the grains exactly as a real submission would. It
/// lives here, not in the gateway, so that the gateway's image carries no simulator.
/// </summary>
public static class RehearsalCommand
{
    public const string SpeedKey = "Simulate:Speed";

    /// <param name="gatewayArgs">The embedded gateway's own command line (configuration such as <c>--urls</c>).</param>
    public static async Task<int> RunAsync(string[] gatewayArgs, TextWriter output, CancellationToken cancellationToken)
    {
        if (GatewayProjectFolder() is not { } gatewayFolder)
        {
            await output.WriteLineAsync("rehearse: run it from a checkout of the repository (it serves the results page from src/Gateway)");
            return 2;
        }
        WebApplication app;
        try
        {
            app = GatewayApp.Build(new WebApplicationOptions { Args = gatewayArgs, ContentRootPath = gatewayFolder, ApplicationName = "KpuOrleans.Gateway" },
                builder =>
                {
                    if (builder.KpuDeployment().IsClustered)
                        throw new SettingsRefusedException(
                            "rehearse replays a simulated night into the embedded, in-memory system only; ConnectionStrings:Kpu is set, " +
                            "which would make it a gateway of a real cluster. Run the simulator against that cluster instead: " +
                            "dotnet run --project tools/Simulator -- night --target <gateway URL>");
                    builder.Services.AddHostedService<RehearsalNight>();
                });
        }
        catch (SettingsRefusedException refused)
        {
            await output.WriteLineAsync($"Refusing to start: {refused.Message}");
            return SettingsRefusedException.ExitCode;
        }
        await using (app) await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>The gateway's project folder (its wwwroot and appsettings), found upwards from here or from the current folder.</summary>
    private static string? GatewayProjectFolder() =>
        new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory }
            .SelectMany(Ancestors)
            .Select(folder => Path.Combine(folder, "src", "Gateway"))
            .FirstOrDefault(gateway => File.Exists(Path.Combine(gateway, "wwwroot", "index.html")));

    private static IEnumerable<string> Ancestors(string folder)
    {
        for (var current = new DirectoryInfo(folder); current is not null; current = current.Parent) yield return current.FullName;
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
            logger.LogError("rehearse: the gateway listens on no http address the simulator can reach");
            return;
        }
        var speed = configuration[RehearsalCommand.SpeedKey] ?? "60";
        logger.LogWarning("rehearse: replaying election night into {Target} at {Speed}× real time (Simulate:Speed); the page shows it live",
            target, speed);
        // The night of the registry the gateway runs on, however it was given (Registry__Path, --Registry:Path=...).
        string[] registry = configuration["Registry:Path"] is { Length: > 0 } folder ? ["--registry", folder] : [];
        var exitCode = await SimulatorApp.RunAsync(
            ["night", "--target", target, "--speed", speed, "--plain", "--progress-interval", "15", .. registry, .. RehearsalEvidence], Console.Out,
            stoppingToken);
        if (!stoppingToken.IsCancellationRequested)
            logger.LogWarning("rehearse: the simulated night is over (simulator exit code {ExitCode}); the system keeps serving", exitCode);
    }

    /// <summary>
    /// A tenth of the forms cite a photo, a third of those arrive late, and one TPS in 500 is disputed: enough to see
    /// photos, the photo-missing filter and the operator's disputes on the page. Not every form: at about 16 KB a page
    /// the whole province's 121,502 would take some 2 GB, over the embedded in-memory store's 1 GiB
    /// (Photos:MemoryLimitBytes), and each costs the simulator a render and the gateway a decode.
    /// </summary>
    internal static readonly string[] RehearsalEvidence = ["--photos", "0.1", "--photo-late", "0.3", "--dispute-share", "0.002"];

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
