using System.Text.Json;
using KpuOrleans.TestKit;

namespace KpuOrleans.Simulator.Tests;

/// <summary><c>dotnet run --project tools/Simulator -- rehearse</c>: the embedded system with a night replayed into it.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class RehearsalTests
{
    [Fact]
    public async Task Rehearse_fills_the_embedded_systems_tallies_through_its_api()
    {
        await using var system = await EmbeddedGateway.StartRehearsalAsync("rehearsal", environment: null, "--speed", "100000");
        using var http = new HttpClient { BaseAddress = system.Address };
        var governor = Jatim.Registry.Contests.Single(c => c.Scope == "35").Id;

        // Nobody but the rehearsal submits anything here: reported TPS can only come from it.
        await Eventually.HoldsAsync(async () =>
        {
            using var tally = JsonDocument.Parse(await http.GetStringAsync($"api/v1/tally/{governor}/35"));
            var reported = tally.RootElement.GetProperty("tpsReported").GetInt32();
            return (reported >= 1_000, $"{reported} TPS reported");
        }, TimeSpan.FromSeconds(120), "the simulated night reaches the province tally");
        Assert.Contains("at 100000× real time", await File.ReadAllTextAsync(system.Process.LogPath));
        // The page is the gateway's own, served from its project folder.
        Assert.Contains("<html", await http.GetStringAsync("/"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Rehearse_refuses_a_cluster_connection_string()
    {
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__Kpu"] = "Host=127.0.0.1;Port=1;Database=none" };
        await using var rehearsal = KpuProcess.Rehearsal("rehearsal-refused", environment);

        var (exitCode, output) = await rehearsal.RunToEndAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("embedded, in-memory system only", output);
    }

    [Theory]
    [InlineData("0", "--speed must be above 0")]
    [InlineData("fast", "--speed")]
    public async Task Rehearse_refuses_a_speed_that_is_not_a_positive_number(string speed, string named)
    {
        using var output = new StringWriter();

        var exitCode = await SimulatorApp.RunAsync(["rehearse", "--speed", speed], output, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Contains(named, output.ToString());
    }

    [Fact]
    public async Task The_gateway_points_its_old_simulate_switch_to_the_simulator()
    {
        await using var gateway = KpuProcess.Gateway("simulate-moved", new Dictionary<string, string?> { ["ConnectionStrings__Kpu"] = null }, "--simulate");

        var (exitCode, output) = await gateway.RunToEndAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("tools/Simulator -- rehearse", output);
    }
}
