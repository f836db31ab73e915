namespace KpuOrleans.Bench.Measuring;

/// <summary>A process's resident memory now, from /proc (null once it is gone).</summary>
internal static class ProcessMemory
{
    public static long? RssKiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static double? RssMiB(int pid) => RssKiB(pid) is { } kib ? Math.Round(kib / 1024.0, 1) : null;
}
