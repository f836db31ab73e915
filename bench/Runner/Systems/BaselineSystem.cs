using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Systems;

/// <summary>One of the comparison programs under bench/: the bare HTTP ceiling, or the plain ASP.NET + PostgreSQL design.</summary>
internal sealed class BaselineSystem(KpuProcess process, Uri address, string? registry) : ISystemUnderTest
{
    public Uri Address => address;

    public IReadOnlyDictionary<string, int> Processes => new Dictionary<string, int> { [process.Name] = process.Id!.Value };

    public IReadOnlyList<string> ClientArgs => Serving.DataArgs(registry);

    /// <param name="registry">Registry__Path (<c>--registry</c>, a full path); null: Jawa Timur.</param>
    public static Task<BaselineSystem> CeilingAsync(string? registry = null) =>
        StartAsync("ceiling", "bench/Ceiling", "KpuOrleans.Bench.Ceiling.dll", [], registry);

    public static Task<BaselineSystem> AlternativeAsync(string connectionString, string? registry = null) =>
        StartAsync("alternative", "bench/Alternative", "KpuOrleans.Bench.Alternative.dll",
            new() { ["ConnectionStrings__Kpu"] = connectionString, ["Alternative__Reset"] = "true" }, registry);

    private static async Task<BaselineSystem> StartAsync(string name, string folder, string assembly, Dictionary<string, string?> extra, string? registry)
    {
        var address = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        extra["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        extra["Registry__Path"] = registry;
        var process = KpuProcess.Program(name, folder, assembly, Serving.Environment(extra)).Start();
        try
        {
            await Serving.WaitAsync(address, "api/v1/contests", process, TimeSpan.FromSeconds(60));
            return new BaselineSystem(process, address, registry);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
