using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Hosting;

/// <summary>
/// Orleans' watchdog starts its platform thread before it stamps when the component check began. When that thread
/// looks first (likely on a busy machine) it measures from timestamp zero, the machine's boot, and warns "Participant
/// check thread has not completed for 03:02:28…" though nothing stalled. A stall longer than this process has run
/// cannot be real, so that one warning becomes one Information line saying what it was; every other watchdog warning,
/// a real stall included, passes unchanged.
/// </summary>
public static class WatchdogStartRace
{
    /// <summary>Orleans' watchdog, internal to Orleans.Runtime; its logger is the one replaced.</summary>
    public const string WatchdogType = "Orleans.Runtime.Watchdog, Orleans.Runtime";

    public const string ExplainingCategory = "KpuOrleans.Hosting.WatchdogStartRace";

    public static IServiceCollection AddKpuWatchdogStartRaceFilter(this IServiceCollection services)
    {
        // A later Orleans may rename or fix it; then there is nothing to filter.
        if (Type.GetType(WatchdogType) is not { } watchdog) return services;
        services.AddSingleton(typeof(ILogger<>).MakeGenericType(watchdog), typeof(WatchdogLogger<>).MakeGenericType(watchdog));
        return services;
    }

    /// <summary>Whether a log entry is the watchdog's report of a participant-check stall older than this process.</summary>
    public static bool IsStartRace<TState>(LogLevel level, TState state, TimeSpan processAge, out TimeSpan stall)
    {
        stall = default;
        if (level != LogLevel.Warning || state is not IReadOnlyList<KeyValuePair<string, object?>> values) return false;
        var format = values.FirstOrDefault(v => v.Key == "{OriginalFormat}").Value as string;
        if (format?.StartsWith("Participant check thread has not completed", StringComparison.Ordinal) != true) return false;
        if (values.FirstOrDefault(v => v.Key == "TimeSinceLastTick").Value is not TimeSpan reported) return false;
        stall = reported;
        return reported > processAge;
    }

    public static TimeSpan ProcessAge
    {
        get
        {
            using var self = Process.GetCurrentProcess();
            return DateTime.Now - self.StartTime;
        }
    }
}

/// <summary>The watchdog's own logger, less the one warning its start-up race produces.</summary>
public sealed class WatchdogLogger<T>(ILoggerFactory factory) : ILogger<T>
{
    private readonly ILogger _watchdog = factory.CreateLogger<T>();
    private readonly ILogger _explaining = factory.CreateLogger(WatchdogStartRace.ExplainingCategory);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _watchdog.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _watchdog.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel == LogLevel.Warning && WatchdogStartRace.IsStartRace(logLevel, state, WatchdogStartRace.ProcessAge, out var stall))
        {
            _explaining.LogInformation(
                "Orleans' watchdog reported its participant check stalled for {Stall}, longer than this process has run: it measured from the " +
                "machine's boot because its thread looked before the check's start was stamped (a start-up race in Orleans, not a stall)", stall);
            return;
        }
        _watchdog.Log(logLevel, eventId, state, exception, formatter);
    }
}
