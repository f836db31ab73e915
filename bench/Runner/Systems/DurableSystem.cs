using System.Diagnostics;
using System.Security.Cryptography;
using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Systems;

/// <summary>
/// The production topology at its smallest: one silo process and one gateway process, clustered and stored in
/// PostgreSQL, configured only through the README's environment keys and otherwise at their defaults. Writers
/// authenticate as in production (on by default with a connection string), with a fresh HS256 key per system that the
/// simulator signs every officer's token with; the rate limits are on, with the per-address ones raised (see
/// <see cref="RateLimits"/>).
/// </summary>
internal sealed class DurableSystem : ISystemUnderTest
{
    /// <summary>
    /// The simulator is one client address standing in for every officer and every viewer of the night, so the limits
    /// per address (reads: the end-of-run check reads thousands of tallies at once; hub connections and their
    /// subscriptions and calls: the fan-out rows open 10,000, each subscribing a few regions back to back) are raised out
    /// of the way. The per-writer limit stays on, but it is raised too: the batch rows (and the cold start's fill) send
    /// batches of 100 forms drawn from a flood shuffled across the whole province, so their narrowest common office is
    /// the province and one provinsi token sends all ~1,200 of them, 8 in flight,
    /// far over the default 10 requests/s after a burst of 100 (the target, the whole night in under 15 s, needs
    /// some 80/s). The single-form rows never come near it: each KPPS token sends its TPS's two forms. What is
    /// measured is the cluster with its limiter in the path, not the limit policy. With <c>--no-auth</c> the same
    /// limits apply; writes without a token are then counted per address, under the raised reader limits.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string?> RateLimits = new Dictionary<string, string?>
    {
        ["RateLimits__ReaderRequestsPerSecond"] = "1000000",
        ["RateLimits__ReaderBurst"] = "1000000",
        ["RateLimits__HubConnectionsPerAddress"] = "100000",
        ["Live__MaxSubscriptionsPerAddress"] = "1000000",
        ["Live__InvocationsPerSecond"] = "1000000",
        ["Live__InvocationBurst"] = "1000000",
        ["RateLimits__WriterRequestsPerSecond"] = "1000000",
        ["RateLimits__WriterBurst"] = "1000000",
    };

    private readonly string _clusterId = $"bench-{Guid.NewGuid():N}"[..16];
    private readonly int _siloPort = FreePorts.Next();
    private readonly int _gatewayPort = FreePorts.Next();

    /// <summary>Base64 HS256 key the gateway checks writers' tokens with; null: writers do not authenticate.</summary>
    private readonly string? _signingKey;
    private KpuProcess? _silo;
    private KpuProcess? _gateway;

    /// <summary>Dashboard__Enabled on every process: the dashboard and its collectors, or none of it.</summary>
    private readonly bool _dashboard;

    /// <summary>Registry__Path of every process (and the clients' --data); null: their default, Jawa Timur.</summary>
    private readonly string? _registry;

    private DurableSystem(string connectionString, bool writersAuthenticate, bool dashboard, string? registry)
    {
        _dashboard = dashboard;
        _registry = registry;
        ConnectionString = connectionString;
        Address = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        _signingKey = writersAuthenticate ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) : null;
    }

    public string ConnectionString { get; }

    public Uri Address { get; }

    public IReadOnlyDictionary<string, int> Processes => new Dictionary<string, int>
    {
        ["silo"] = _silo?.Id ?? 0,
        ["gateway"] = _gateway?.Id ?? 0,
    };

    public IReadOnlyList<string> ClientArgs => [.. _signingKey is null ? [] : (string[])["--token-key", _signingKey], .. Serving.DataArgs(_registry)];

    /// <summary>A new database, migrated by the real <c>migrate</c> command, then the silo and the gateway.</summary>
    /// <param name="writersAuthenticate">false for <c>--no-auth</c>: <c>Auth__Enabled=false</c>, no key.</param>
    /// <param name="dashboard">The Orleans dashboard on (<c>--dashboard on</c>); off by default, so its profiler takes nothing.</param>
    /// <param name="registry">The registry folder (<c>--registry</c>, a full path); null: Jawa Timur.</param>
    public static async Task<DurableSystem> StartAsync(string server, string database, bool writersAuthenticate, bool dashboard = false, string? registry = null)
    {
        var system = new DurableSystem(await BenchDatabase.CreateAsync(server, database), writersAuthenticate, dashboard, registry);
        var (exitCode, output) = await KpuProcess.Silo("bench-migrate", system.Environment(), "migrate").RunToEndAsync(TimeSpan.FromMinutes(2));
        if (exitCode != 0) throw new InvalidOperationException($"migrate failed: {output}");
        try
        {
            await system.StartProcessesAsync();
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Cold start: SIGKILL both processes, delete every stored grain state so that nothing but the ledger is left,
    /// start a silo, and time until <c>verify</c> (a recount of every tally in SQL compared with the live cluster)
    /// passes. verify is a snapshot, so it runs again until it does; the time is to the end of the passing run.
    /// </summary>
    public async Task<(TimeSpan Elapsed, int VerifyRuns, string VerifyOutput)> ColdStartAsync(TimeSpan within)
    {
        await _gateway!.KillAsync();
        await _silo!.KillAsync();
        await BenchDatabase.ExecuteAsync(ConnectionString, "DELETE FROM kpu_orleans_grain_state");
        var clock = Stopwatch.StartNew();
        _silo.Start();
        for (var run = 1; ; run++)
        {
            var (exitCode, output) = await KpuProcess.Silo($"bench-verify-{run}", Environment(), "verify").RunToEndAsync(within);
            if (exitCode == 0) return (clock.Elapsed, run, output);
            if (clock.Elapsed > within) throw new TimeoutException($"verify still failed {within.TotalSeconds:N0} s after the cold start: {output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null) await _gateway.DisposeAsync();
        if (_silo is not null) await _silo.DisposeAsync();
    }

    private async Task StartProcessesAsync()
    {
        _silo = KpuProcess.Silo("bench-silo", Environment(new()
        {
            ["Orleans__SiloPort"] = _siloPort.ToString(),
            ["Orleans__GatewayPort"] = _gatewayPort.ToString(),
            ["Orleans__SiloName"] = "bench-silo",
            ["Management__Urls"] = $"http://127.0.0.1:{FreePorts.Next()}",
        })).Start();
        await Eventually.HoldsAsync(async () =>
        {
            if (_silo.ExitCode is { } code) throw new InvalidOperationException($"the silo exited with {code}; see {_silo.LogPath}");
            var active = await BenchDatabase.CountAsync(ConnectionString,
                $"SELECT count(*) FROM kpu_orleans_membership WHERE deployment_id = '{_clusterId}' AND status = 3");
            return (active == 1, $"{active} active silos");
        }, TimeSpan.FromSeconds(120), "the silo is active");
        var gateway = new Dictionary<string, string?>(RateLimits)
        {
            ["ASPNETCORE_URLS"] = Address.ToString().TrimEnd('/'),
            ["Management__Urls"] = $"http://127.0.0.1:{FreePorts.Next()}",
            ["Auth__Enabled"] = _signingKey is null ? "false" : "true",
            ["Auth__SigningKey"] = _signingKey,
        };
        _gateway = KpuProcess.Gateway("bench-gateway", Environment(gateway)).Start();
        await Serving.WaitAsync(Address, "api/v1/tally/PGUB-35/35", _gateway, TimeSpan.FromSeconds(120));
    }

    private Dictionary<string, string?> Environment(Dictionary<string, string?>? extra = null)
    {
        var environment = Serving.Environment(new()
        {
            ["ConnectionStrings__Kpu"] = ConnectionString,
            ["Orleans__ClusterId"] = _clusterId,
            ["Orleans__ServiceId"] = "kpu-bench",
            ["Dashboard__Enabled"] = _dashboard ? "true" : "false",
            ["Registry__Path"] = _registry,
        });
        foreach (var (key, value) in extra ?? []) environment[key] = value;
        return environment;
    }
}
