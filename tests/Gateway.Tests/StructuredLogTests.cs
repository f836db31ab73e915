using System.Text.Json;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>In a container (the .NET images set DOTNET_RUNNING_IN_CONTAINER) logs are one JSON object per line.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class StructuredLogTests
{
    [Fact]
    public async Task In_a_container_every_log_line_is_a_JSON_object_and_outside_one_it_is_text()
    {
        var inContainer = await EmbeddedModeWarningAsync(new() { ["DOTNET_RUNNING_IN_CONTAINER"] = "true" });
        using (var entry = JsonDocument.Parse(inContainer))
        {
            Assert.Equal("Warning", entry.RootElement.GetProperty("LogLevel").GetString());
            Assert.Contains("EMBEDDED MODE", entry.RootElement.GetProperty("Message").GetString());
            Assert.False(string.IsNullOrEmpty(entry.RootElement.GetProperty("Category").GetString()));
        }

        var outside = await EmbeddedModeWarningAsync(new() { ["DOTNET_RUNNING_IN_CONTAINER"] = null });
        Assert.StartsWith("warn:", outside);
    }

    /// <summary>Starts the embedded gateway and returns the log line that announces the in-memory mode.</summary>
    private static async Task<string> EmbeddedModeWarningAsync(Dictionary<string, string?> environment)
    {
        environment["Logging__Console__FormatterName"] = null;
        await using var gateway = await EmbeddedGateway.StartAsync("logs", environment: environment);
        // The console logger writes from its own queue and the test copies the process's output to the file as it
        // comes: serving the API does not mean the warning is in the file yet.
        var (lines, index) = (Array.Empty<string>(), -1);
        await Eventually.HoldsAsync(async () =>
        {
            lines = await File.ReadAllLinesAsync(gateway.Process.LogPath);
            var started = Array.FindLastIndex(lines, l => l.StartsWith("==== ", StringComparison.Ordinal));
            index = Array.FindIndex(lines, started + 1, l => l.Contains("EMBEDDED MODE", StringComparison.Ordinal));
            return (index > started, $"{lines.Length - started - 1} lines since the start");
        }, TimeSpan.FromSeconds(30), $"an EMBEDDED MODE warning in {gateway.Process.LogPath}");
        // The simple format puts the message on the line after "warn: category"; JSON puts it all on one line.
        return lines[index].Trim().StartsWith('{') ? lines[index] : lines[index - 1];
    }
}
