namespace KpuOrleans.Bench.Measuring;

/// <summary>
/// Where the CPU went during a run, from /proc: CPU seconds of each process of the system under test, of PostgreSQL
/// (all its processes, including backends that already exited), and of the whole machine; the rest is the load
/// generator and the operating system. Sampled twice a second for peak resident memory, too.
/// </summary>
internal sealed class CpuMeter : IAsyncDisposable
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on Linux everywhere that matters

    private readonly IReadOnlyDictionary<string, int> _processes;
    private readonly Dictionary<string, double> _start;
    private readonly Dictionary<string, long> _peakRssKiB = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly DateTime _startedAt = DateTime.UtcNow;

    private CpuMeter(IReadOnlyDictionary<string, int> processes)
    {
        _processes = processes;
        _start = Read();
        _sampling = SampleAsync(_stop.Token);
    }

    /// <param name="processes">Role → process id, e.g. <c>gateway</c> → 1234.</param>
    public static CpuMeter Start(IReadOnlyDictionary<string, int> processes) => new(processes);

    /// <summary>CPU seconds per role since the start, and cores used on average (CPU seconds / wall seconds).</summary>
    public CpuFigures Stop()
    {
        _stop.Cancel();
        var end = Read();
        var wall = (DateTime.UtcNow - _startedAt).TotalSeconds;
        var seconds = end.ToDictionary(e => e.Key, e => Math.Round(e.Value - _start.GetValueOrDefault(e.Key), 2));
        var measured = seconds.Where(s => s.Key != "machine").Sum(s => s.Value);
        seconds["client and rest"] = Math.Round(Math.Max(0, seconds["machine"] - measured), 2);
        return new CpuFigures(Math.Round(wall, 2), seconds, _peakRssKiB.ToDictionary(p => p.Key, p => Math.Round(p.Value / 1024.0, 1)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _sampling; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    private Dictionary<string, double> Read()
    {
        var seconds = _processes.ToDictionary(p => p.Key, p => ProcessTicks(p.Value, withChildren: false) / TicksPerSecond);
        seconds["postgresql"] = PostgresTicks() / TicksPerSecond;
        seconds["machine"] = MachineTicks() / TicksPerSecond;
        return seconds;
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var (role, pid) in _processes)
            {
                if (RssKiB(pid) is { } rss && rss > _peakRssKiB.GetValueOrDefault(role)) _peakRssKiB[role] = rss;
            }
        }
    }

    /// <summary>utime + stime, plus the waited-for children's when asked (a postmaster's exited backends).</summary>
    private static long ProcessTicks(int pid, bool withChildren)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces; the fields after it are positional (utime is the 14th field overall).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
            return withChildren ? ticks + long.Parse(fields[13]) + long.Parse(fields[14]) : ticks;
        }
        catch (IOException)
        {
            return 0; // gone
        }
    }

    private static long PostgresTicks()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string comm;
            try { comm = File.ReadAllText($"{dir}/comm").Trim(); } catch (IOException) { continue; }
            if (comm != "postgres") continue;
            // Only the postmaster (parent not postgres) reaps backends, so children are counted once.
            ticks += ProcessTicks(pid, withChildren: IsPostmaster(pid));
        }
        return ticks;
    }

    private static bool IsPostmaster(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            return File.ReadAllText($"/proc/{parent}/comm").Trim() != "postgres";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static long MachineTicks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
        return long.Parse(cpu[1]) + long.Parse(cpu[2]) + long.Parse(cpu[3]) + long.Parse(cpu[6]) + long.Parse(cpu[7]) + long.Parse(cpu[8]);
    }

    private static long? RssKiB(int pid) => ProcessMemory.RssKiB(pid);
}

/// <summary>CPU seconds by role over <see cref="WallSeconds"/>, and each measured process's peak resident memory.</summary>
internal sealed record CpuFigures(double WallSeconds, IReadOnlyDictionary<string, double> CpuSeconds, IReadOnlyDictionary<string, double> PeakRssMiB);
