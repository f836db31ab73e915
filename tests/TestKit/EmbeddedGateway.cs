namespace KpuOrleans.TestKit;

/// <summary>
/// The system as the README's first command runs it: the gateway from its build output with a co-hosted silo and
/// in-memory storage (no ConnectionStrings__Kpu), on free loopback ports, ready once the API answers.
/// </summary>
public sealed class EmbeddedGateway : IAsyncDisposable
{
    private EmbeddedGateway(KpuProcess process, Uri address, Uri managementAddress)
    {
        Process = process;
        Address = address;
        ManagementAddress = managementAddress;
    }

    public KpuProcess Process { get; }

    public Uri Address { get; }

    /// <summary>Where operators read metrics, the dashboard and the detailed health report (<c>Management__Urls</c>).</summary>
    public Uri ManagementAddress { get; }

    /// <param name="port">The HTTP port; a free one when null (a restart passes the old one).</param>
    /// <param name="environment">Extra or overriding environment variables.</param>
    /// <param name="args">The gateway's command line.</param>
    public static Task<EmbeddedGateway> StartAsync(string name, int? port = null, IReadOnlyDictionary<string, string?>? environment = null,
        params string[] args) =>
        StartAsync(KpuProcess.Gateway, name, port, environment, args);

    /// <summary>The gateway as <see cref="StartAsync(string, int?, IReadOnlyDictionary{string, string?}?, string[])"/> starts it, allowed only <paramref name="files"/> open files.</summary>
    public static Task<EmbeddedGateway> StartWithOpenFileLimitAsync(string name, int files, IReadOnlyDictionary<string, string?>? environment = null) =>
        StartAsync((n, e, a) => KpuProcess.Gateway(n, e, a).WithOpenFileLimit(files), name, null, environment, []);

    /// <summary>The simulator's <c>rehearse</c>: the same embedded system, hosted by the simulator, with a night replayed into it.</summary>
    public static Task<EmbeddedGateway> StartRehearsalAsync(string name, IReadOnlyDictionary<string, string?>? environment = null, params string[] args) =>
        StartAsync(KpuProcess.Rehearsal, name, null, environment, args);

    private static async Task<EmbeddedGateway> StartAsync(Func<string, IReadOnlyDictionary<string, string?>, string[], KpuProcess> program,
        string name, int? port, IReadOnlyDictionary<string, string?>? environment, string[] args)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePorts.Next()}/");
        var management = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        var variables = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Kpu"] = null,
            // Embedded on purpose, also when the tests themselves run in a container (DOTNET_RUNNING_IN_CONTAINER).
            ["Kpu__AllowEmbedded"] = "true",
            ["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/'),
            ["Management__Urls"] = management.ToString().TrimEnd('/'),
            ["Orleans__SiloPort"] = FreePorts.Next().ToString(),
            ["Orleans__GatewayPort"] = FreePorts.Next().ToString(),
            ["Orleans__ClusterId"] = $"{name}-{Guid.NewGuid():N}",
            ["Tally__FlushInterval"] = "00:00:00.050",
            // Tests read the export right after their forms: a fresh snapshot each time, unless a test says otherwise.
            ["Export__SnapshotInterval"] = "00:00:00.001",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>()) variables[key] = value;
        var gateway = new EmbeddedGateway(program($"{name}-{address.Port}", variables, args).Start(), address,
            variables["Management__Urls"] is { } chosen ? new Uri(chosen.Split(';')[0].Replace("localhost", "127.0.0.1") + "/") : new Uri(DefaultManagementAddress));
        try
        {
            await gateway.WaitUntilServingAsync(TimeSpan.FromSeconds(120));
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>The gateway's management address when <c>Management__Urls</c> is unset (ManagementPort.GatewayDefault).</summary>
    public const string DefaultManagementAddress = "http://127.0.0.1:5081/";

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private async Task WaitUntilServingAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.HoldsAsync(async () =>
        {
            if (Process.ExitCode is { } exitCode) throw new InvalidOperationException($"{Process.Name} exited with {exitCode}; see {Process.LogPath}");
            try
            {
                using var response = await http.GetAsync("api/v1/contests");
                return (response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return (false, e.Message);
            }
        }, within, $"{Process.Name} serves the API (log: {Process.LogPath})");
    }
}
