using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Npgsql;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>
/// The production topology on loopback: PostgreSQL, silo processes and gateway processes, configured only through the
/// environment keys the README documents. Silos can be added and stopped as Kubernetes would scale them.
/// </summary>
public sealed class LocalCluster(PostgresServer postgres, int silos, int gateways = 1,
    IReadOnlyDictionary<string, string?>? baseEnvironment = null, bool asApplicationRole = false) : IAsyncDisposable
{
    private readonly string _clusterId = $"crash-{Guid.NewGuid():N}"[..20];
    private readonly List<KpuProcess> _silos = [];
    private readonly List<Uri> _siloHttp = [];
    private readonly List<KpuProcess> _gateways = [];
    private readonly List<Uri> _gatewayAddresses = [];
    private readonly List<Uri> _gatewayManagement = [];
    private int _silosStarted;

    /// <summary>The owner's: what <c>migrate</c> uses, and silos and gateways too unless they run as the application role.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>What silos and gateways connect with.</summary>
    public string ProcessConnectionString => asApplicationRole ? PostgresServer.AsApplication(ConnectionString) : ConnectionString;

    public Uri GatewayAddress => _gatewayAddresses[0];

    public IReadOnlyList<Uri> GatewayAddresses => _gatewayAddresses;

    /// <summary>Where the gateway at <paramref name="gateway"/> serves its operators (metrics, dashboard, detailed health).</summary>
    public Uri ManagementOf(Uri gateway) => _gatewayManagement[_gatewayAddresses.IndexOf(gateway)];

    /// <summary>The running silos, oldest first.</summary>
    public IReadOnlyList<KpuProcess> Silos => _silos;

    public PostgresServer Postgres => postgres;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>The gateways' HS256 key: writers authenticate in this cluster, as in any with a database.</summary>
    public static readonly byte[] SigningKey = System.Text.Encoding.UTF8.GetBytes("the local cluster's 32-byte key!");

    /// <summary>Tokens for the officers whose forms a test sends.</summary>
    public OfficerTokens Officers { get; } = new(SigningKey);

    /// <summary>Creates the database and migrates it with the real <c>migrate</c> command.</summary>
    public async Task CreateDatabaseAsync()
    {
        ConnectionString = await postgres.CreateDatabaseAsync("kpu_cluster");
        var (exitCode, output) = await KpuProcess.Silo("migrate", Environment(new() { ["ConnectionStrings__Kpu"] = ConnectionString }), "migrate")
            .RunToEndAsync(TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, $"migrate failed: {output}");
    }

    public async Task StartAsync()
    {
        for (var i = 0; i < silos; i++) StartSilo();
        await WaitForActiveSilosAsync(silos);
        for (var i = 0; i < gateways; i++)
        {
            var address = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
            var management = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
            _gatewayAddresses.Add(address);
            _gatewayManagement.Add(management);
            _gateways.Add(KpuProcess.Gateway($"gateway-{i}", Environment(new()
            {
                ["ASPNETCORE_URLS"] = address.ToString(),
                ["Management__Urls"] = management.ToString(),
            })).Start());
        }
        foreach (var address in _gatewayAddresses)
        {
            await Eventually.HoldsAsync(async () =>
            {
                try
                {
                    using var response = await Http.GetAsync(new Uri(address, "/api/v1/tally/PGUB-35/35"));
                    return (response.IsSuccessStatusCode, response.StatusCode.ToString());
                }
                catch (HttpRequestException e)
                {
                    return (false, e.Message);
                }
            }, TimeSpan.FromSeconds(90), $"the gateway at {address} answers");
        }
    }

    /// <summary>Scale out by one: a new silo on new ports, returned once the cluster lists it as active.</summary>
    public async Task<KpuProcess> AddSiloAsync()
    {
        var silo = StartSilo();
        await WaitForActiveSilosAsync(_silos.Count);
        return silo;
    }

    /// <summary>Scale in: SIGTERM, as Kubernetes stops a pod, and wait for the graceful exit.</summary>
    public async Task<TimeSpan> StopSiloAsync(KpuProcess silo)
    {
        var started = DateTime.UtcNow;
        await silo.StopAsync(TimeSpan.FromSeconds(60));
        var index = _silos.IndexOf(silo);
        _silos.RemoveAt(index);
        _siloHttp.RemoveAt(index);
        return DateTime.UtcNow - started;
    }

    /// <summary>SIGKILL: the silo is gone without a word; the cluster has to notice by itself.</summary>
    public async Task KillSiloAsync(KpuProcess silo)
    {
        await silo.KillAsync();
        var index = _silos.IndexOf(silo);
        _silos.RemoveAt(index);
        _siloHttp.RemoveAt(index);
    }

    /// <summary>SIGKILL one silo and start it again on the same ports once the old process is gone.</summary>
    public async Task KillAndRestartSiloAsync(int index)
    {
        await _silos[index].KillAsync();
        _silos[index].Start();
    }

    /// <summary>Where a running silo serves its probes and metrics (its management URL).</summary>
    public Uri HttpOf(KpuProcess silo) => _siloHttp[_silos.IndexOf(silo)];

    /// <summary>Grain activations a silo reports in its Prometheus metrics, by grain type (Orleans' own types left out).</summary>
    public async Task<Dictionary<string, long>> ActivationsAsync(KpuProcess silo) =>
        (await ScrapeAsync(silo)).Series("orleans_catalog_activations")
            .Select(s => (Type: s.Labels.GetValueOrDefault("grain_type", ""), s.Value))
            .Where(s => !s.Type.StartsWith("sys.", StringComparison.Ordinal) && s.Type is not ("" or "dashboard" or "management"))
            .GroupBy(s => s.Type)
            .ToDictionary(g => g.Key, g => (long)g.Sum(s => s.Value));

    public Task<PrometheusScrape> ScrapeAsync(KpuProcess silo) => PrometheusScrape.ScrapeAsync(Http, HttpOf(silo));

    /// <summary>Stops every process gracefully; <see cref="StartAsync"/> then starts a whole new set, as after a full outage.</summary>
    public async Task StopAllAsync()
    {
        foreach (var gateway in _gateways) await gateway.StopAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(_silos.Select(s => s.StopAsync(TimeSpan.FromSeconds(60))));
        _gateways.Clear();
        _gatewayAddresses.Clear();
        _gatewayManagement.Clear();
        _silos.Clear();
        _siloHttp.Clear();
    }

    public async Task WaitForActiveSilosAsync(int count) =>
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var silo in _silos)
                if (silo.ExitCode is { } code) throw new InvalidOperationException($"{silo.Name} exited with {code}; see {silo.LogPath}");
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM kpu_orleans_membership WHERE deployment_id = @cluster AND status = 3", connection);
            command.Parameters.AddWithValue("cluster", _clusterId);
            var active = (long)(await command.ExecuteScalarAsync())!;
            return (active >= count, $"{active} active silos");
        }, TimeSpan.FromSeconds(120), $"{count} silos are active");

    public Task<(int ExitCode, string Output)> VerifyAsync() =>
        KpuProcess.Silo($"verify-{DateTime.UtcNow:HHmmss}", Environment(), "verify").RunToEndAsync(TimeSpan.FromMinutes(5));

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways) await gateway.DisposeAsync();
        foreach (var silo in _silos) await silo.DisposeAsync();
        Http.Dispose();
    }

    private KpuProcess StartSilo()
    {
        var name = $"silo-{_silosStarted++}";
        var http = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        var silo = KpuProcess.Silo(name, Environment(new()
        {
            ["Orleans__SiloPort"] = FreePorts.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePorts.Next().ToString(),
            ["POD_NAME"] = name,
            ["POD_IP"] = "127.0.0.1",
            // A silo serves only operations, on its management URL.
            ["Management__Urls"] = http.ToString(),
        })).Start();
        _silos.Add(silo);
        _siloHttp.Add(http);
        return silo;
    }

    private Dictionary<string, string?> Environment(Dictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Orleans__ServiceId"] = "kpu-crash-test",
            ["Reconciliation__Interval"] = "00:00:02",
            // Tests read the export right after their forms: a fresh snapshot each time, unless a test says otherwise.
            ["Export__SnapshotInterval"] = "00:00:00.001",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__KpuOrleans"] = "Information",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in baseEnvironment ?? new Dictionary<string, string?>()) environment[key] = value;
        // Whatever the base says, these processes are this cluster's, on loopback, with this test's database.
        environment["ConnectionStrings__Kpu"] = ProcessConnectionString;
        environment["Orleans__ClusterId"] = _clusterId;
        environment["Auth__SigningKey"] = Convert.ToBase64String(SigningKey);
        // Every officer, viewer and checker of a test shares one loopback address, where in the field they have thousands,
        // and the tests' loads send each officer's retries and corrections back to back, hundreds of times faster than a
        // person would: the limits stay in the pipeline but are raised out of the way. ProtectionTests tests them.
        environment["RateLimits__WriterRequestsPerSecond"] = "1000000";
        environment["RateLimits__WriterBurst"] = "1000000";
        environment["RateLimits__ReaderRequestsPerSecond"] = "1000000";
        environment["RateLimits__ReaderBurst"] = "1000000";
        environment["RateLimits__HubConnectionsPerAddress"] = "100000";
        environment["Live__MaxSubscriptionsPerAddress"] = "1000000";
        environment["Live__InvocationsPerSecond"] = "1000000";
        environment["Live__InvocationBurst"] = "1000000";
        foreach (var (key, value) in extra ?? []) environment[key] = value;
        return environment;
    }
}
