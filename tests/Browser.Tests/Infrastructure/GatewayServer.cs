using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.TestKit;

namespace KpuOrleans.Browser.Tests.Infrastructure;

/// <summary>
/// The gateway as a real process from its build output, in the embedded in-memory mode (no ConnectionStrings__Kpu),
/// on free loopback ports. It runs in the Development environment so that it serves wwwroot through the build's
/// static web assets manifest, the way `dotnet run --project src/Gateway` serves it from the project folder.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _disposed;

    private GatewayServer(Process process, StreamWriter log, Uri address, string logPath)
    {
        _process = process;
        _log = log;
        Address = address;
        LogPath = logPath;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    public string LogPath { get; }

    public HttpClient Http { get; }

    public static string Assembly { get; } =
        Path.Combine(Repository.Root, "src", "Gateway", "bin", Repository.Configuration, "net10.0", "KpuOrleans.Gateway.dll");

    /// <summary>Starts a gateway on <paramref name="port"/> (a free one when null) and waits until it answers.</summary>
    public static async Task<GatewayServer> StartAsync(int? port = null)
    {
        if (!File.Exists(Assembly)) throw new FileNotFoundException($"build output {Assembly} is missing; build the solution first");
        port ??= FreePorts.Next();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet", [Assembly])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Assembly)!,
        };
        start.Environment.Remove("ConnectionStrings__Kpu");
        start.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Orleans__SiloPort"] = FreePorts.Next().ToString();
        start.Environment["Orleans__GatewayPort"] = FreePorts.Next().ToString();
        start.Environment["Orleans__ClusterId"] = $"browser-test-{Guid.NewGuid():N}";
        start.Environment["Tally__FlushInterval"] = "00:00:00.050";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

        var folder = Directory.CreateDirectory(Path.Combine(Repository.TestResults, "processes")).FullName;
        var logPath = Path.Combine(folder, $"gateway-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{port}.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = Process.Start(start)!;
        log.WriteLine($"==== gateway started {DateTime.UtcNow:O} pid {process.Id} on {address}");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new GatewayServer(process, log, address, logPath);
        try
        {
            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var seen = "nothing";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the gateway exited with {_process.ExitCode}; see {LogPath}");
            try
            {
                using var response = await Http.GetAsync("/api/v1/contests");
                if (response.IsSuccessStatusCode) return;
                seen = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                seen = e.Message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the gateway did not answer within {within.TotalSeconds:N0}s (last: {seen}); see {LogPath}");
    }

    /// <summary>Submits a form as an outside client does; returns the status and the body.</summary>
    public async Task<(int Status, JsonElement Body)> PostFormAsync(ResultForm form)
    {
        using var content = new StringContent(ApiJson.Form(form).ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/api/v1/results", content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Submits a form that must be accepted as new (201).</summary>
    public async Task<JsonElement> AcceptAsync(ResultForm form)
    {
        var (status, body) = await PostFormAsync(form);
        Assert.True(status == 201, $"POST {form.Tps} v{form.Version}: expected 201, got {status}: {body}");
        return body;
    }

    public async Task<JsonNode> GetJsonAsync(string path) =>
        (await Http.GetFromJsonAsync<JsonNode>(path)) ?? throw new InvalidOperationException($"GET {path} returned null");

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        Write(_log, $"==== gateway stopped {DateTime.UtcNow:O}");
        lock (_log) _log.Dispose();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log)
        {
            try { log.WriteLine(line); }
            catch (ObjectDisposedException) { /* a last line after the log closed */ }
        }
    }
}
