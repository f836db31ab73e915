using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KpuOrleans.Gateway.Protection;

/// <summary>
/// A gateway that runs out of file descriptors does not refuse the next client: it dies. Once every descriptor is a
/// socket, the runtime fails to open the files and pipes it needs itself and ends the process with "Out of memory."
/// (issue 16: 10,000 viewers, each holding its WebSocket and, for the keep-alive minute, the connection of its
/// negotiate request, against a limit of 20,000). So Kestrel takes no more connections than the limit leaves room for
/// beside what the process holds at start and a margin for what it opens later (silos, PostgreSQL, assemblies,
/// exports); a client beyond that is closed at once and the gateway lives. Kestrel's own keys
/// (<c>Kestrel:Limits:MaxConcurrentConnections</c>, <c>…:MaxConcurrentUpgradedConnections</c>) still win when set.
/// </summary>
public static class OpenFiles
{
    /// <summary>Call before <see cref="SlowClients.AddKpuSlowClientLimits"/>, whose binding of Kestrel's keys must come last.</summary>
    public static WebApplicationBuilder AddKpuOpenFileBudget(this WebApplicationBuilder builder)
    {
        var budget = ConnectionBudget.For(ReadLimit(), CountOpen());
        if (budget is null) return builder;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxConcurrentConnections = budget.Connections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = budget.UpgradedConnections;
        });
        builder.Services.AddSingleton(budget);
        builder.Services.AddHostedService<OpenFileReport>();
        return builder;
    }

    /// <summary>This process's soft limit on open files (the runtime raised it to the hard one at start); null: unknown or unlimited.</summary>
    public static long? ReadLimit()
    {
        const string path = "/proc/self/limits";
        if (!File.Exists(path)) return null;
        return ParseLimit(File.ReadAllLines(path));
    }

    /// <summary>The soft value of the "Max open files" line of <c>/proc/&lt;pid&gt;/limits</c>.</summary>
    public static long? ParseLimit(IEnumerable<string> limits)
    {
        const string name = "Max open files";
        var line = limits.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        var soft = line?[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(soft, out var value) ? value : null;
    }

    private static int CountOpen() => Directory.Exists("/proc/self/fd") ? Directory.EnumerateFileSystemEntries("/proc/self/fd").Count() : 0;
}

/// <summary>How many client connections Kestrel holds at once, derived from the process's limit on open files.</summary>
/// <param name="Limit">The limit it was derived from.</param>
/// <param name="Connections">HTTP connections (requests, and a viewer's negotiate until its keep-alive ends).</param>
/// <param name="UpgradedConnections">WebSockets: one per viewer, for as long as it watches.</param>
public sealed record ConnectionBudget(long Limit, long Connections, long UpgradedConnections)
{
    /// <param name="limit">Open files allowed; null: no budget.</param>
    /// <param name="open">Descriptors the process holds already.</param>
    public static ConnectionBudget? For(long? limit, int open)
    {
        if (limit is not { } files) return null;
        // Beside the sockets the gateway opens later (a PostgreSQL pool, silos, export readers, assemblies loaded on
        // first use), a tenth for what grows with the load (the runtime's own files and pipes among them).
        var room = Math.Max(2, files - open - 512 - files / 10);
        var connections = Math.Max(1, room / 4);
        return new ConnectionBudget(files, connections, room - connections);
    }
}

internal sealed class OpenFileReport(ConnectionBudget budget, ILogger<OpenFileReport> logger) : IHostedService
{
    /// <summary>Below this a gateway cannot hold the viewers of a busy night (production hosts give 65,536 or more).</summary>
    private const long LowLimit = 65_536;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var level = budget.Limit < LowLimit ? LogLevel.Warning : LogLevel.Information;
        logger.Log(level, "Open files: limit {Limit}; this gateway takes at most {Connections} HTTP and {Upgraded} WebSocket connections at once " +
            "and closes any beyond them (raise the limit for more viewers: ulimit -n, systemd LimitNOFILE)",
            budget.Limit, budget.Connections, budget.UpgradedConnections);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
