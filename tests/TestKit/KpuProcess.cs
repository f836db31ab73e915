using System.Diagnostics;

namespace KpuOrleans.TestKit;

/// <summary>A silo or gateway run as a real process from its build output, as an operator would run it.</summary>
public sealed class KpuProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private Process? _process;

    private KpuProcess(string name, string folder, string assembly, IReadOnlyDictionary<string, string?> environment, string[] args)
    {
        Name = name;
        LogPath = Path.Combine(LogFolder, $"{name}.log");
        var output = Repository.BuildOutput(folder, assembly);
        _start = new ProcessStartInfo("dotnet", [output, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(output)!,
        };
        // A null value removes a variable this test process happens to have (e.g. a developer's ConnectionStrings__Kpu).
        foreach (var (key, value) in environment)
        {
            if (value is null) _start.Environment.Remove(key);
            else _start.Environment[key] = value;
        }
    }

    public string Name { get; }

    /// <summary>Everything the process wrote, across restarts.</summary>
    public string LogPath { get; }

    /// <summary>The running process's id; null before the start and after the exit.</summary>
    public int? Id => IsRunning ? _process!.Id : null;

    public int? ExitCode => _process is { HasExited: true } ? _process.ExitCode : null;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Where process logs go: TestResults/processes/(this test run) beside the test binaries.</summary>
    public static string LogFolder { get; } = Directory.CreateDirectory(
        Path.Combine(Repository.TestResults, "processes", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss"))).FullName;

    public static KpuProcess Silo(string name, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        new(name, "src/Silo", "KpuOrleans.Silo.dll", environment, args);

    public static KpuProcess Gateway(string name, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        new(name, "src/Gateway", "KpuOrleans.Gateway.dll", environment, args);

    /// <summary>The simulator's <c>rehearse</c>: the embedded system in the simulator's process, a night replayed into it.</summary>
    public static KpuProcess Rehearsal(string name, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        new(name, "tools/Simulator", "KpuOrleans.Simulator.dll", environment, ["rehearse", .. args]);

    /// <summary>Any other program of the repository, e.g. <c>("tools/Simulator", "KpuOrleans.Simulator.dll")</c>.</summary>
    public static KpuProcess Program(string name, string folder, string assembly, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        new(name, folder, assembly, environment, args);

    /// <summary>Runs the program under <c>prlimit</c> with this many open files (soft and hard), as on a host with a low <c>ulimit -n</c>.</summary>
    public KpuProcess WithOpenFileLimit(int files)
    {
        if (_start.FileName == "prlimit") throw new InvalidOperationException($"{Name} already has an open-file limit");
        _start.ArgumentList.Insert(0, _start.FileName);
        _start.ArgumentList.Insert(0, $"--nofile={files}:{files}");
        _start.FileName = "prlimit";
        return this;
    }

    public KpuProcess Start()
    {
        if (IsRunning) throw new InvalidOperationException($"{Name} is already running");
        var process = Process.Start(_start)!;
        var log = new StreamWriter(LogPath, append: true) { AutoFlush = true };
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
        _process.WaitForExit(); // the untimed overload also waits for the output readers to reach the end
        return (_process.ExitCode, await File.ReadAllTextAsync(LogPath));
    }

    public async ValueTask DisposeAsync() => await KillAsync();
}
