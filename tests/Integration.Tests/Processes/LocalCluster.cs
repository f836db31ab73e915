using KpuOrleans.TestKit;
using Npgsql;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>
/// The production topology on loopback: PostgreSQL, several silo processes and a gateway process, configured only
/// through the environment keys the README documents.
/// </summary>
public sealed class LocalCluster(PostgresServer postgres, int silos) : IAsyncDisposable
{
    private readonly string _clusterId = $"crash-{Guid.NewGuid():N}"[..20];
    private readonly List<KpuProcess> _silos = [];
    private KpuProcess? _gateway;

    public string ConnectionString { get; private set; } = "";

    public Uri GatewayAddress { get; private set; } = null!;

    public IReadOnlyList<KpuProcess> Silos => _silos;

    public PostgresServer Postgres => postgres;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Creates the database and migrates it with the real <c>migrate</c> command.</summary>
    public async Task CreateDatabaseAsync()
    {
        ConnectionString = await postgres.CreateDatabaseAsync("kpu_cluster");
        var (exitCode, output) = await KpuProcess.Silo("migrate", Environment(), "migrate").RunToEndAsync(TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, $"migrate failed: {output}");
    }

    public async Task StartAsync()
    {
        for (var i = 0; i < silos; i++)
        {
            var siloPort = FreePorts.Next();
            var gatewayPort = FreePorts.Next();
            _silos.Add(KpuProcess.Silo($"silo-{i}", Environment(new()
            {
                ["Orleans__SiloPort"] = siloPort.ToString(),
                ["Orleans__GatewayPort"] = gatewayPort.ToString(),
                ["Orleans__SiloName"] = $"silo-{i}",
            })).Start());
        }
        await WaitForActiveSilosAsync(silos);
        var httpPort = FreePorts.Next();
        GatewayAddress = new Uri($"http://127.0.0.1:{httpPort}");
        _gateway = KpuProcess.Gateway("gateway", Environment(new() { ["ASPNETCORE_URLS"] = GatewayAddress.ToString() })).Start();
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                using var response = await Http.GetAsync(new Uri(GatewayAddress, "/api/v1/tally/PGUB-35/35"));
                return (response.IsSuccessStatusCode, response.StatusCode.ToString());
            }
            catch (HttpRequestException e)
            {
                return (false, e.Message);
            }
        }, TimeSpan.FromSeconds(90), "the gateway answers");
    }

    /// <summary>SIGKILL one silo and start it again on the same ports once the old process is gone.</summary>
    public async Task KillAndRestartSiloAsync(int index)
    {
        await _silos[index].KillAsync();
        _silos[index].Start();
    }

    public async Task StopAllAsync()
    {
        if (_gateway is not null) await _gateway.StopAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(_silos.Select(s => s.StopAsync(TimeSpan.FromSeconds(60))));
        _silos.Clear();
    }

    public async Task WaitForActiveSilosAsync(int count) =>
        await Eventually.HoldsAsync(async () =>
        {
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
        if (_gateway is not null) await _gateway.DisposeAsync();
        foreach (var silo in _silos) await silo.DisposeAsync();
        Http.Dispose();
    }

    private Dictionary<string, string?> Environment(Dictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Kpu"] = ConnectionString,
            ["Orleans__ClusterId"] = _clusterId,
            ["Orleans__ServiceId"] = "kpu-crash-test",
            ["Reconciliation__Interval"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__KpuOrleans"] = "Information",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in extra ?? []) environment[key] = value;
        return environment;
    }
}
