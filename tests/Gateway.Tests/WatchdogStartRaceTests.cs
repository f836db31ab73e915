using System.Collections.Concurrent;
using KpuOrleans.Hosting;
using KpuOrleans.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Orleans' watchdog warns of a participant-check stall as long as the machine has been up when its thread looks
/// before the check's start is stamped: a start-up race, not a fault, so the start log says so instead of warning.
/// </summary>
public class WatchdogStartRaceTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private const string StallWarning = "Participant check thread has not completed for {TimeSinceLastTick}, potentially indicating lock " +
        "contention or deadlock, CPU starvation, or another execution anomaly.";

    private static Type WatchdogLoggerType => typeof(ILogger<>).MakeGenericType(Type.GetType(WatchdogStartRace.WatchdogType, throwOnError: true)!);

    [Fact]
    public void Orleans_watchdog_logs_through_the_logger_the_silo_replaces()
    {
        var watchdog = Type.GetType(WatchdogStartRace.WatchdogType, throwOnError: true)!;
        Assert.Contains(watchdog.GetConstructors(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic),
            constructor => constructor.GetParameters().Any(p => p.ParameterType == WatchdogLoggerType));
        Assert.IsType(typeof(WatchdogLogger<>).MakeGenericType(watchdog), host.Services.GetRequiredService(WatchdogLoggerType));
    }

    [Fact]
    public void A_stall_older_than_the_process_is_one_information_line_and_a_possible_one_stays_a_warning()
    {
        var logs = new CapturedLogs();
        using var services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Information))
            .AddKpuWatchdogStartRaceFilter()
            .BuildServiceProvider();
        var watchdog = (ILogger)services.GetRequiredService(WatchdogLoggerType);

        watchdog.LogWarning(StallWarning, WatchdogStartRace.ProcessAge + TimeSpan.FromHours(3));
        var explained = Assert.Single(logs.Entries);
        Assert.Equal((WatchdogStartRace.ExplainingCategory, LogLevel.Information), (explained.Category, explained.Level));
        Assert.Contains("start-up race in Orleans", explained.Message, StringComparison.Ordinal);

        watchdog.LogWarning(StallWarning, WatchdogStartRace.ProcessAge / 2); // a stall this process could have had
        watchdog.LogWarning(".NET Runtime Platform stalled for {TimeSinceLastTick}", TimeSpan.FromHours(3));
        Assert.Equal(3, logs.Entries.Count);
        Assert.All(logs.Entries.Skip(1), entry => Assert.Equal(("Orleans.Runtime.Watchdog", LogLevel.Warning), (entry.Category, entry.Level)));
    }

    [Fact]
    [Trait(Lanes.Category, Lanes.Slow)] // starts the gateway's process
    public async Task The_embedded_start_warns_of_no_participant_check_stall()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("watchdog");
        var log = await File.ReadAllTextAsync(gateway.Process.LogPath);
        var started = log.LastIndexOf("==== ", StringComparison.Ordinal);
        Assert.DoesNotContain("Participant check thread has not completed", log[Math.Max(started, 0)..], StringComparison.Ordinal);
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
