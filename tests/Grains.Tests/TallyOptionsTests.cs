using KpuOrleans.Hosting;
using KpuOrleans.Tallies;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Grains.Tests;

/// <summary>The one interval every node reports and pushes at: a value that would flood the tree or leave viewers waiting stops the start-up.</summary>
public class TallyOptionsTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:00.150")]
    [InlineData("00:00:00.009")]
    [InlineData("00:00:00.251")]
    [InlineData("00:00:01")]
    public void An_interval_outside_10_to_250_ms_is_refused_naming_the_key(string interval)
    {
        var result = new TallyOptionsValidation().Validate(null, new TallyOptions { FlushInterval = TimeSpan.Parse(interval) });

        Assert.True(result.Failed);
        Assert.Contains("Tally:FlushInterval", result.FailureMessage);
    }

    [Theory]
    [InlineData("00:00:00.010")]
    [InlineData("00:00:00.150")]
    [InlineData("00:00:00.250")]
    public void An_interval_inside_it_is_taken(string interval) =>
        Assert.True(new TallyOptionsValidation().Validate(null, new TallyOptions { FlushInterval = TimeSpan.Parse(interval) }).Succeeded);

    [Fact]
    public void The_default_is_taken() => Assert.True(new TallyOptionsValidation().Validate(null, new TallyOptions()).Succeeded);

    [Fact]
    public async Task A_silo_with_a_bad_interval_refuses_to_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tally:FlushInterval"] = "00:00:01" });
        builder.UseOrleans(silo => silo.UseLocalhostClustering(FreePorts.Next(), FreePorts.Next()).AddKpuGrains());
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Tally:FlushInterval", refused.Message);
    }
}
