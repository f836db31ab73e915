using System.Security.Cryptography;
using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Systems;

/// <summary>
/// The README's first command: gateway and silo in one process, in memory, otherwise at its default settings, but
/// configured as the durable system is where that decides what a form costs: writers authenticate with a fresh HS256
/// key (unless <c>--no-auth</c>), under the same raised rate limits (<see cref="DurableSystem.RateLimits"/>), with the
/// dashboard as <c>--dashboard</c> says. Embedded and durable rows then differ only in the process split and storage.
/// </summary>
internal sealed class EmbeddedSystem(EmbeddedGateway gateway, string? signingKey, string? registry) : ISystemUnderTest
{
    public Uri Address => gateway.Address;

    public IReadOnlyDictionary<string, int> Processes => new Dictionary<string, int> { ["gateway+silo"] = gateway.Process.Id!.Value };

    public IReadOnlyList<string> ClientArgs => [.. signingKey is null ? [] : (string[])["--token-key", signingKey], .. Serving.DataArgs(registry)];

    /// <param name="registry">Registry__Path (<c>--registry</c>, a full path); null: Jawa Timur.</param>
    public static async Task<EmbeddedSystem> StartAsync(bool writersAuthenticate, bool dashboard, string? registry = null)
    {
        var signingKey = writersAuthenticate ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) : null;
        var environment = new Dictionary<string, string?>(DurableSystem.RateLimits)
        {
            // EmbeddedGateway speeds the flush and the export snapshots up for tests; the benchmark runs the defaults.
            ["Tally__FlushInterval"] = null,
            ["Export__SnapshotInterval"] = null,
            ["Auth__Enabled"] = writersAuthenticate ? "true" : "false",
            ["Auth__SigningKey"] = signingKey,
            ["Dashboard__Enabled"] = dashboard ? "true" : "false",
            ["Registry__Path"] = registry,
        };
        return new(await EmbeddedGateway.StartAsync("bench-embedded", environment: environment), signingKey, registry);
    }

    public ValueTask DisposeAsync() => gateway.DisposeAsync();
}
