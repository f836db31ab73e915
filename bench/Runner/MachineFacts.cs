using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using KpuOrleans.TestKit;
using Npgsql;

namespace KpuOrleans.Bench;

/// <summary>What every figure is stamped with: the machine, the versions, the commit.</summary>
internal sealed record MachineFacts(
    string Label, DateTimeOffset Date, int Cores, double MemoryGiB, string Cpu, string OperatingSystem,
    string DotNet, string Orleans, string Npgsql, string PostgreSql, string Commit)
{
    public string Describe() =>
        $"{Label}: {Cores} cores ({Cpu}), {MemoryGiB:N0} GiB, {OperatingSystem}, {DotNet}, Orleans {Orleans}, Npgsql {Npgsql}, PostgreSQL {PostgreSql}, commit {Commit}";

    public static async Task<MachineFacts> ReadAsync(BenchOptions options)
    {
        var memoryGiB = MemTotalKiB() / 1024.0 / 1024.0;
        var cores = Environment.ProcessorCount;
        var packages = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "Directory.Packages.props"));
        await using var connection = new NpgsqlConnection(options.Postgres);
        await connection.OpenAsync();
        return new MachineFacts(
            options.Machine ?? $"{cores}core-{Math.Round(memoryGiB):0}gib",
            DateTimeOffset.UtcNow, cores, Math.Round(memoryGiB, 1), CpuModel(), OsName(),
            RuntimeInformation.FrameworkDescription,
            PackageVersion(packages, "Microsoft.Orleans.Runtime"), PackageVersion(packages, "Npgsql"),
            connection.ServerVersion, await CommitAsync());
    }

    private static long MemTotalKiB() =>
        File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).FirstOrDefault();

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

    private static string OsName() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? RuntimeInformation.OSDescription
            : RuntimeInformation.OSDescription;

    private static string PackageVersion(string props, string id) =>
        Regex.Match(props, $"Include=\"{Regex.Escape(id)}\"\\s+Version=\"([^\"]+)\"") is { Success: true } m ? m.Groups[1].Value : "unknown";

    private static async Task<string> CommitAsync()
    {
        var head = (await GitAsync("rev-parse", "--short=12", "HEAD")).Trim();
        var dirty = (await GitAsync("status", "--porcelain", "--untracked-files=no")).Trim().Length > 0;
        return dirty ? $"{head} (with uncommitted changes)" : head;
    }

    private static async Task<string> GitAsync(params string[] args)
    {
        var start = new ProcessStartInfo("git", ["-C", Repository.Root, .. args]) { RedirectStandardOutput = true };
        using var git = Process.Start(start)!;
        var output = await git.StandardOutput.ReadToEndAsync();
        await git.WaitForExitAsync();
        return output;
    }
}
