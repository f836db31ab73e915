using System.Collections.Concurrent;
using System.Net;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Hosting;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// A mistaken setting stops the gateway at start-up, naming the key, instead of opening the system: an empty connection
/// string, a container without a database, a key published in the repository, two sources of tokens.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class StartupSettingsTests
{
    /// <summary>The gateway as the tests host it, with these settings on top.</summary>
    private sealed class ConfiguredHost(Dictionary<string, string?> settings, ILoggerProvider? logs = null) : GatewayHost
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            if (logs is not null) builder.ConfigureLogging(logging => logging.AddProvider(logs));
        }
    }

    private static SettingsRefusedException Refused(Dictionary<string, string?> settings)
    {
        using var host = new ConfiguredHost(settings);
        return Assert.Throws<SettingsRefusedException>(() => host.Server);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_connection_string_is_refused_naming_the_key(string value)
    {
        var error = Refused(new() { ["ConnectionStrings:Kpu"] = value });
        Assert.Contains("ConnectionStrings__Kpu", error.Message, StringComparison.Ordinal);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("many")]
    public void A_proof_bound_below_one_is_refused_naming_the_key(string value)
    {
        var error = Refused(new() { ["Proofs:MaxConcurrent"] = value });
        Assert.Contains("Proofs__MaxConcurrent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registry_folder_that_is_missing_or_holds_no_registry_is_refused_naming_the_key()
    {
        var missing = Refused(new() { ["Registry:Path"] = Path.Combine(Path.GetTempPath(), "kpu-no-such-registry") });
        Assert.Contains("Registry__Path", missing.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        var empty = Directory.CreateTempSubdirectory("kpu-empty-registry-");
        try
        {
            var error = Refused(new() { ["Registry:Path"] = empty.FullName });
            Assert.Contains("Registry__Path", error.Message, StringComparison.Ordinal);
            Assert.Contains("*-regions.csv", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("Live:SlowViewerGrace", "00:00:00", "Live:SlowViewerGrace")]
    [InlineData("Live:SlowViewerGrace", "1.00:00:00", "Live:SlowViewerGrace")]
    [InlineData("Live:RenewInterval", "00:05:00", "Live:RenewInterval")]
    [InlineData("Live:MaxSubscriptionsPerConnection", "0", "Live:MaxSubscriptionsPerConnection")]
    public void Live_settings_out_of_range_are_refused_naming_the_key(string key, string value, string named)
    {
        var error = Refused(new() { [key] = value });
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    [InlineData("2.00:00:00")]
    public void A_TPS_collection_age_out_of_range_is_refused_naming_the_key(string value)
    {
        var error = Refused(new() { ["Tps:CollectionAge"] = value });
        Assert.Contains("Tps__CollectionAge", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ingest:Window", "00:00:00.5")]
    [InlineData("Ingest:Window", "-00:00:00.001")]
    [InlineData("Ingest:MaxBatch", "0")]
    [InlineData("Ingest:MaxBatch", "1001")]
    [InlineData("Ingest:MaxCallsInFlight", "0")]
    [InlineData("Ingest:MaxQueue", "0")]
    [InlineData("Ingest:MaxQueue", "2000000")]
    public void Ingest_settings_out_of_range_are_refused_naming_the_key(string key, string value)
    {
        var error = Refused(new() { [key] = value });
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Photos:Store", "dropbox", "Photos:Store")]
    [InlineData("Photos:Store", "folder", "Photos:Folder")]
    [InlineData("Photos:MaxBytes", "0", "Photos:MaxBytes")]
    [InlineData("Photos:MaxBytes", "100000000", "Photos:MaxBytes")]
    [InlineData("Photos:MemoryLimitBytes", "1000", "Photos:MemoryLimitBytes")]
    [InlineData("Photos:MaxConcurrentDecodes", "0", "Photos:MaxConcurrentDecodes")]
    [InlineData("Photos:MaxConcurrentDecodes", "1000", "Photos:MaxConcurrentDecodes")]
    [InlineData("Photos:MaxQueuedDecodes", "-1", "Photos:MaxQueuedDecodes")]
    public void Photo_settings_out_of_range_are_refused_naming_the_key(string key, string value, string named)
    {
        var error = Refused(new() { [key] = value });
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_a_container_the_embedded_mode_needs_its_opt_in()
    {
        var error = Refused(new() { ["DOTNET_RUNNING_IN_CONTAINER"] = "true", ["Kpu:AllowEmbedded"] = "false" });
        Assert.Contains("ConnectionStrings__Kpu", error.Message, StringComparison.Ordinal);
        Assert.Contains("Kpu__AllowEmbedded=true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_container_with_the_opt_in_it_runs_embedded()
    {
        using var host = new ConfiguredHost(new() { ["DOTNET_RUNNING_IN_CONTAINER"] = "true", ["Kpu:AllowEmbedded"] = "true" });
        using var response = await host.CreateClient().GetAsync("/api/v1/contests");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(host.Services.GetRequiredService<KpuOrleans.Hosting.DeploymentMode>().IsClustered);
    }

    [Fact]
    public void A_signing_key_and_an_authority_together_are_refused_naming_both()
    {
        var error = Refused(new()
        {
            ["Auth:Enabled"] = "true",
            ["Auth:SigningKey"] = Convert.ToBase64String(AuthTests.AuthHost.Key),
            ["Auth:Authority"] = "https://sso.example/realms/kpu",
        });
        Assert.Contains("Auth__SigningKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth__Authority", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1000001")]
    public void A_token_cache_size_out_of_range_is_refused_naming_the_key(string size)
    {
        var error = Refused(new()
        {
            ["Auth:Enabled"] = "true",
            ["Auth:SigningKey"] = Convert.ToBase64String(AuthTests.AuthHost.Key),
            ["Auth:TokenCacheSize"] = size,
        });
        Assert.Contains("Auth__TokenCacheSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dev_overlays_placeholder_key_is_refused_unless_allowed()
    {
        Dictionary<string, string?> settings = new() { ["Auth:Enabled"] = "true", ["Auth:SigningKey"] = TokenRules.DevelopmentKey };
        var error = Refused(settings);
        Assert.Contains("Auth__SigningKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth__AllowDevelopmentKey=true", error.Message, StringComparison.Ordinal);

        settings["Auth:AllowDevelopmentKey"] = "true";
        using var allowed = new ConfiguredHost(settings);
        using var response = await allowed.CreateClient().GetAsync("/api/v1/contests");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(allowed.Services.GetRequiredService<WriterAccess>().Enabled);
    }

    [Fact]
    public void Writers_unauthenticated_in_a_durable_cluster_is_logged_as_an_error()
    {
        var logs = new CapturedLogs();
        // A database that is not there: the Orleans client cannot start, but the announcement comes before it does.
        using var host = new ConfiguredHost(new() { ["ConnectionStrings:Kpu"] = "Host=127.0.0.1;Port=1;Database=none;Timeout=1", ["Auth:Enabled"] = "false" }, logs);
        try
        {
            _ = host.Server;
        }
        catch (Exception e) when (e is not SettingsRefusedException)
        {
            // Expected: no cluster to join. What matters here is what was logged before.
        }

        var entry = Assert.Single(logs.Entries, e => e.Message.Contains("WRITERS ARE NOT AUTHENTICATED", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains("Auth__Enabled=false", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writers_unauthenticated_in_the_embedded_mode_stays_a_warning()
    {
        var logs = new CapturedLogs();
        using var host = new ConfiguredHost(new() { ["Auth:Enabled"] = "false" }, logs);
        _ = host.Server;
        var entry = Assert.Single(logs.Entries, e => e.Message.Contains("WRITERS ARE NOT AUTHENTICATED", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, entry.Level);
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}

/// <summary>The same refusals as real processes see them: a non-zero exit and the key named on standard error.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class StartupRefusalProcessTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(KpuProcess process)
    {
        await using (process) return await process.RunToEndAsync(TimeSpan.FromSeconds(60));
    }

    private static Dictionary<string, string?> Environment(string connectionString) => new()
    {
        ["ConnectionStrings__Kpu"] = connectionString,
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePorts.Next()}",
        ["DOTNET_RUNNING_IN_CONTAINER"] = null,
    };

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task A_gateway_with_an_empty_connection_string_exits_naming_the_key(string value)
    {
        var (exitCode, output) = await RunAsync(KpuProcess.Gateway($"empty-connection-{value.Length}", Environment(value)));
        Assert.Equal(SettingsRefusedException.ExitCode, exitCode);
        Assert.Contains("Refusing to start: ConnectionStrings__Kpu is set but empty", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("migrate")]
    [InlineData("verify")]
    public async Task A_silo_with_an_empty_connection_string_exits_naming_the_key(string command)
    {
        var (exitCode, output) = await RunAsync(KpuProcess.Silo($"empty-connection-silo-{command}", Environment(""), command));
        Assert.Equal(SettingsRefusedException.ExitCode, exitCode);
        Assert.Contains("ConnectionStrings__Kpu is set but empty", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_in_a_container_without_a_database_or_opt_in_exits_naming_both_keys()
    {
        var environment = Environment("");
        environment["ConnectionStrings__Kpu"] = null;
        environment["DOTNET_RUNNING_IN_CONTAINER"] = "true";
        environment["Kpu__AllowEmbedded"] = null;
        var (exitCode, output) = await RunAsync(KpuProcess.Gateway("container-no-opt-in", environment));
        Assert.Equal(SettingsRefusedException.ExitCode, exitCode);
        Assert.Contains("ConnectionStrings__Kpu is missing", output, StringComparison.Ordinal);
        Assert.Contains("Kpu__AllowEmbedded=true", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_in_a_container_with_the_opt_in_serves_embedded()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("container-opt-in",
            environment: new Dictionary<string, string?> { ["DOTNET_RUNNING_IN_CONTAINER"] = "true", ["Kpu__AllowEmbedded"] = "true" });
        using var http = new HttpClient { BaseAddress = gateway.Address };
        using var response = await http.GetAsync("api/v1/contests");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("EMBEDDED MODE", await File.ReadAllTextAsync(gateway.Process.LogPath), StringComparison.Ordinal);
    }
}
