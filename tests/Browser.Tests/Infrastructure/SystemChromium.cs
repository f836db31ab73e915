using System.Diagnostics;

namespace KpuOrleans.Browser.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, the only browser these tests use: Playwright drives it through <c>ExecutablePath</c> and never
/// downloads one. When it is missing and the tests run as root, it is installed with apt-get, as the integration
/// tests install PostgreSQL through scripts/postgres.sh.
/// </summary>
public static class SystemChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task EnsureInstalledAsync()
    {
        if (File.Exists(ExecutablePath)) return;
        await Gate.WaitAsync();
        try
        {
            if (File.Exists(ExecutablePath)) return;
            if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/bin/apt-get"))
            {
                throw new InvalidOperationException(
                    $"{ExecutablePath} is missing: install Debian's chromium package (apt-get install chromium) to run the browser tests.");
            }
            var start = new ProcessStartInfo("bash", ["-c", "apt-get update && apt-get install -y chromium"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0 || !File.Exists(ExecutablePath))
            {
                throw new InvalidOperationException(
                    $"apt-get install chromium failed ({process.ExitCode}): {await errors}\n{await output}");
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
