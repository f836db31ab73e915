using KpuOrleans.TestKit;

namespace KpuOrleans.Bench.Systems;

/// <summary>The README's first command: gateway and silo in one process, in memory, at its default settings.</summary>
internal sealed class EmbeddedSystem(EmbeddedGateway gateway) : ISystemUnderTest
{
    public Uri Address => gateway.Address;

    public IReadOnlyDictionary<string, int> Processes => new Dictionary<string, int> { ["gateway+silo"] = gateway.Process.Id!.Value };

    public static async Task<EmbeddedSystem> StartAsync() =>
        // EmbeddedGateway speeds the flush up for tests; the benchmark runs the default.
        new(await EmbeddedGateway.StartAsync("bench-embedded", environment: new Dictionary<string, string?> { ["Tally__FlushInterval"] = null }));

    public ValueTask DisposeAsync() => gateway.DisposeAsync();
}
