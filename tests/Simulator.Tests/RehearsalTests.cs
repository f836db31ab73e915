using System.Text.Json;
using KpuOrleans.TestKit;

namespace KpuOrleans.Simulator.Tests;

/// <summary><c>dotnet run --project src/Gateway -- --simulate</c>: the first command with a night replayed into it.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class RehearsalTests
{
    [Fact]
    public async Task The_embedded_gateway_with_simulate_fills_its_own_tallies_through_its_api()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("rehearsal",
            environment: new Dictionary<string, string?> { ["Simulate__Speed"] = "100000" }, args: "--simulate");
        using var http = new HttpClient { BaseAddress = gateway.Address };
        var governor = Jatim.Registry.Contests.Single(c => c.Scope == "35").Id;

        // Nobody but the rehearsal submits anything here: reported TPS can only come from it.
        await Eventually.HoldsAsync(async () =>
        {
            using var tally = JsonDocument.Parse(await http.GetStringAsync($"api/v1/tally/{governor}/35"));
            var reported = tally.RootElement.GetProperty("tpsReported").GetInt32();
            return (reported >= 1_000, $"{reported} TPS reported");
        }, TimeSpan.FromSeconds(120), "the simulated night reaches the province tally");
        Assert.Contains("replaying election night", await File.ReadAllTextAsync(gateway.Process.LogPath));
    }

    [Fact]
    public async Task Simulate_refuses_a_gateway_of_a_real_cluster()
    {
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__Kpu"] = "Host=127.0.0.1;Port=1;Database=none" };
        await using var gateway = KpuProcess.Gateway("rehearsal-refused", environment, "--simulate");

        var (exitCode, output) = await gateway.RunToEndAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("embedded, in-memory system only", output);
    }
}
