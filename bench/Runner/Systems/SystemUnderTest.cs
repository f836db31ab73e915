using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Systems;

/// <summary>Something the simulator is pointed at: an address, and the processes whose CPU and memory count as its cost.</summary>
internal interface ISystemUnderTest : IAsyncDisposable
{
    Uri Address { get; }

    /// <summary>Role → process id (PostgreSQL is measured separately, for every system).</summary>
    IReadOnlyDictionary<string, int> Processes { get; }

    /// <summary>What the simulator needs besides the address to be let in (the writers' token key); nothing by default.</summary>
    IReadOnlyList<string> ClientArgs => [];
}

internal static class Serving
{
    /// <summary>Waits until <paramref name="path"/> answers 2xx, failing early when the process has died.</summary>
    public static async Task WaitAsync(Uri address, string path, KpuProcess process, TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.HoldsAsync(async () =>
        {
            if (process.ExitCode is { } exitCode) throw new InvalidOperationException($"{process.Name} exited with {exitCode}; see {process.LogPath}");
            try
            {
                using var response = await http.GetAsync(path);
                return (response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return (false, e.Message);
            }
        }, within, $"{process.Name} answers GET {path} (log: {process.LogPath})");
    }

    /// <summary>The clients' argument naming the registry the system serves, when it is not their default.</summary>
    public static string[] DataArgs(string? registry) => registry is null ? [] : ["--data", registry];

    /// <summary>Production-like settings for every program: quiet logs, production environment.</summary>
    public static Dictionary<string, string?> Environment(Dictionary<string, string?> extra)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Kpu"] = null,
        };
        foreach (var (key, value) in extra) environment[key] = value;
        return environment;
    }
}
