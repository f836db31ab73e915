using System.Diagnostics;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>A silo or gateway run as a real process from its build output, as an operator would run it.</summary>
public sealed class KpuProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private readonly string _log;
    private Process? _process;

    private KpuProcess(string name, string assembly, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        Name = name;
        _log = Path.Combine(LogFolder, $"{name}.log");
        _start = new ProcessStartInfo("dotnet", [Output(assembly), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Output(assembly))!,
        };
        foreach (var (key, value) in environment) _start.Environment[key] = value;
    }

    public string Name { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Where process logs go: TestResults/processes/(this test run) beside the test binaries.</summary>
    public static string LogFolder { get; } = Directory.CreateDirectory(
        Path.Combine(AppContext.BaseDirectory, "TestResults", "processes", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"))).FullName;

    public static KpuProcess Silo(string name, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        new(name, "Silo/KpuOrleans.Silo.dll", environment, args);

    public static KpuProcess Gateway(string name, IReadOnlyDictionary<string, string> environment) =>
        new(name, "Gateway/KpuOrleans.Gateway.dll", environment, []);

    public KpuProcess Start()
    {
        if (IsRunning) throw new InvalidOperationException($"{Name} is already running");
        var process = Process.Start(_start)!;
        var log = new StreamWriter(_log, append: true) { AutoFlush = true };
        log.WriteLine($"==== {Name} started {DateTime.UtcNow:O} pid {process.Id}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        return this;
    }

    /// <summary>SIGKILL: no shutdown of any kind; returns once the process is gone, so its ports are free.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod: a graceful shutdown, waited for.</summary>
    public async Task StopAsync(TimeSpan within)
    {
        if (_process is null || _process.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await term.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"{Name} did not stop within {within.TotalSeconds:N0}s of SIGTERM");
        }
    }

    /// <summary>Runs to completion (a command such as migrate or verify) and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunToEndAsync(TimeSpan within)
    {
        Start();
        using var timeout = new CancellationTokenSource(within);
        await _process!.WaitForExitAsync(timeout.Token);
        await Task.Delay(100); // let the asynchronous readers drain into the log
        return (_process.ExitCode, await File.ReadAllTextAsync(_log));
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private static string Output(string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var project = assembly.Split('/')[0];
        var path = Path.Combine(Repository.Root, "src", project, "bin", configuration, "net10.0", assembly.Split('/')[1]);
        return File.Exists(path) ? path : throw new FileNotFoundException($"build output {path} is missing; build the solution first");
    }
}
