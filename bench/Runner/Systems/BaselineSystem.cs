using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Systems;

/// <summary>One of the comparison programs under bench/: the bare HTTP ceiling, or the plain ASP.NET + PostgreSQL design.</summary>
internal sealed class BaselineSystem(KpuProcess process, Uri address) : ISystemUnderTest
{
    public Uri Address => address;

    public IReadOnlyDictionary<string, int> Processes => new Dictionary<string, int> { [process.Name] = process.Id!.Value };

    public static Task<BaselineSystem> CeilingAsync() =>
        StartAsync("ceiling", "bench/Ceiling", "KpuOrleans.Bench.Ceiling.dll", []);

    public static Task<BaselineSystem> AlternativeAsync(string connectionString) =>
        StartAsync("alternative", "bench/Alternative", "KpuOrleans.Bench.Alternative.dll",
            new() { ["ConnectionStrings__Kpu"] = connectionString, ["Alternative__Reset"] = "true" });

    private static async Task<BaselineSystem> StartAsync(string name, string folder, string assembly, Dictionary<string, string?> extra)
    {
        var address = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        extra["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        var process = KpuProcess.Program(name, folder, assembly, Serving.Environment(extra)).Start();
        try
        {
            await Serving.WaitAsync(address, "api/v1/contests", process, TimeSpan.FromSeconds(60));
            return new BaselineSystem(process, address);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
