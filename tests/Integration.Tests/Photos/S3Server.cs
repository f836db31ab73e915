using System.Diagnostics;
using KpuOrleans.Gateway.Photos;
using KpuOrleans.TestKit;

namespace KpuOrleans.Integration.Tests.Photos;

/// <summary>
/// A real S3-compatible server from the project's own script (scripts/s3.sh: s3rver from the npm registry), one per
/// port, its objects on disk under .s3/ so that a restart keeps them. Each test uses a bucket of its own.
/// </summary>
public sealed class S3Server(int port)
{
    /// <summary>The store-level tests' server.</summary>
    public static readonly S3Server Store = new(54381);

    /// <summary>The end-to-end test's server, which it stops and starts under a running gateway.</summary>
    public static readonly S3Server Gateway = new(54382);

    // One script at a time in this process: the first may still be installing the server with npm.
    private static readonly SemaphoreSlim Script = new(1, 1);

    /// <summary>scripts/s3.sh's fixed credentials.</summary>
    public const string AccessKey = "S3RVER";

    public const string SecretKey = "S3RVER";

    public string ServiceUrl => $"http://127.0.0.1:{port}";

    public async Task<string> StartAsync() => (await ScriptAsync("start")).Trim();

    public Task StopAsync() => ScriptAsync("stop");

    public Task KillAsync() => ScriptAsync("kill");

    /// <summary>A bucket name no other test or run uses.</summary>
    public static string NewBucket(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public S3PhotoStoreOptions Options(string bucket) => new()
    {
        ServiceUrl = ServiceUrl,
        Bucket = bucket,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
    };

    /// <summary>The gateway's keys for this server (README, "Photos").</summary>
    public Dictionary<string, string?> GatewayEnvironment(string bucket) => new()
    {
        ["Photos__Store"] = "s3",
        ["Photos__S3__ServiceUrl"] = ServiceUrl,
        ["Photos__S3__Bucket"] = bucket,
        ["Photos__S3__AccessKey"] = AccessKey,
        ["Photos__S3__SecretKey"] = SecretKey,
    };

    private async Task<string> ScriptAsync(string command)
    {
        await Script.WaitAsync();
        try
        {
            var start = new ProcessStartInfo("bash", [Path.Combine(Repository.Root, "scripts", "s3.sh"), command])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["KPU_S3_PORT"] = port.ToString();
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"s3.sh {command} failed ({process.ExitCode}): {await errors}");
            return await output;
        }
        finally
        {
            Script.Release();
        }
    }
}
