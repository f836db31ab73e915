using System.Diagnostics;
using KpuOrleans.TestKit;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The embedded system as an operator starts it: <c>dotnet KpuOrleans.Gateway.dll</c> from its build output, with a
/// co-hosted silo and in-memory storage (no <c>ConnectionStrings__Kpu</c>), on free ports. Its output goes to a log
/// file beside the test binaries.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private GatewayProcess(Process process, StreamWriter log, Uri address, string logPath)
    {
        _process = process;
        _log = log;
        Address = address;
        LogPath = logPath;
    }

    public Uri Address { get; }

    public string LogPath { get; }

    public static async Task<GatewayProcess> StartAsync(string name)
    {
        var port = FreePorts.Next();
        var dll = GatewayDll();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.Environment.Remove("ConnectionStrings__Kpu");
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Orleans__SiloPort"] = FreePorts.Next().ToString();
        start.Environment["Orleans__GatewayPort"] = FreePorts.Next().ToString();
        start.Environment["Orleans__ClusterId"] = $"simulator-test-{Guid.NewGuid():N}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";

        var logPath = Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "processes")).FullName,
            $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{port}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var gateway = new GatewayProcess(process, log, new Uri($"http://127.0.0.1:{port}/"), logPath);
        try
        {
            await gateway.WaitUntilServingAsync(TimeSpan.FromSeconds(120));
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
        return gateway;
    }

    /// <summary>Start-up (registry load, silo start) takes a few seconds; it is ready once the API answers.</summary>
    private async Task WaitUntilServingAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the gateway exited with {_process.ExitCode} while starting; see {LogPath}");
            try
            {
                using var response = await http.GetAsync("api/v1/contests");
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the gateway did not serve within {within.TotalSeconds:N0}s; see {LogPath}");
            await Task.Delay(200);
        }
    }

    private static string GatewayDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(RepositoryRoot(), "src", "Gateway", "bin", configuration, "net10.0", "KpuOrleans.Gateway.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build output {path} is missing; build the solution first");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KpuOrleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("KpuOrleans.sln not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
