using Microsoft.AspNetCore.Connections;

namespace KpuOrleans.Gateway.Protection;

/// <summary>
/// A gateway that runs out of file descriptors does not refuse the next client: it dies. Once every descriptor is a
/// socket, the next thread the runtime starts cannot open what it needs, <c>Thread.Start</c> throws
/// <see cref="OutOfMemoryException"/> on a thread-pool thread and the process ends with "Out of memory." (issue 16:
/// 10,000 viewers, each holding its WebSocket and, for the keep-alive minute, the connection its negotiate request came
/// on, against a limit of 20,000). So this gateway holds no more client connections, HTTP and WebSocket together, than
/// the limit leaves room for beside what the process holds at start and a margin for what it opens later (silos,
/// PostgreSQL, assemblies, exports, threads); a connection beyond that is closed as soon as it is accepted, and the
/// gateway lives. One budget for both kinds: a viewer needs an HTTP connection for a minute and a WebSocket for the
/// night, and a surge of viewers needs many of the first before it needs the second.
/// </summary>
public static class OpenFiles
{
    public static WebApplicationBuilder AddKpuOpenFileBudget(this WebApplicationBuilder builder)
    {
        var budget = ConnectionBudget.For(ReadLimit(), CountOpen());
        if (budget is null) return builder;
        var gate = new ConnectionGate(budget);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Use(gate.Around)));
        builder.Services.AddSingleton(budget);
        builder.Services.AddSingleton(gate);
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

/// <summary>How many client connections (HTTP and WebSocket together) this gateway holds at once.</summary>
/// <param name="Limit">The open-file limit it was derived from.</param>
public sealed record ConnectionBudget(long Limit, long Connections)
{
    /// <param name="limit">Open files allowed; null: no budget.</param>
    /// <param name="open">Descriptors the process holds already.</param>
    public static ConnectionBudget? For(long? limit, int open)
    {
        if (limit is not { } files) return null;
        // Beside the sockets the gateway opens later (a PostgreSQL pool, silos, export readers, assemblies loaded on
        // first use), a tenth for what grows with the load (the runtime's own files and pipes among them).
        return new ConnectionBudget(files, Math.Max(1, files - open - 512 - files / 10));
    }
}

/// <summary>Kestrel connection middleware that closes a connection the budget has no room for.</summary>
public sealed class ConnectionGate(ConnectionBudget budget)
{
    private long _open;
    private long _refused;

    public long Open => Interlocked.Read(ref _open);

    /// <summary>Connections closed unserved since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public ConnectionDelegate Around(ConnectionDelegate next) => async connection =>
    {
        if (Interlocked.Increment(ref _open) > budget.Connections)
        {
            Interlocked.Decrement(ref _open);
            Interlocked.Increment(ref _refused);
            connection.Abort(new ConnectionAbortedException("the gateway's open-file budget is spent"));
            return;
        }
        try
        {
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    };
}

internal sealed class OpenFileReport(ConnectionBudget budget, ConnectionGate gate, ILogger<OpenFileReport> logger) : BackgroundService
{
    /// <summary>Below this a gateway cannot hold the viewers of a busy night (production hosts give 65,536 or more).</summary>
    private const long LowLimit = 65_536;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.Log(budget.Limit < LowLimit ? LogLevel.Warning : LogLevel.Information,
            "Open files: limit {Limit}; this gateway holds at most {Connections} client connections (HTTP and WebSocket) at once " +
            "and closes any beyond them (raise the limit for more viewers: ulimit -n, systemd LimitNOFILE)", budget.Limit, budget.Connections);
        // Refusals are counted, not logged one by one: a surge would write a line per viewer.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        var reported = 0L;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var refused = gate.Refused;
            if (refused == reported) continue;
            logger.LogWarning("Open-file budget spent: {Refused} connections closed unserved in the last 10 s ({Connections} held)",
                refused - reported, budget.Connections);
            reported = refused;
        }
    }
}
