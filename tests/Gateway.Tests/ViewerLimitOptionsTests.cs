using KpuOrleans.Hosting;
using Microsoft.AspNetCore.Hosting;

namespace KpuOrleans.Gateway.Tests;

/// <summary>A viewer limit below 1 would refuse every viewer (or mean nothing): it stops the start-up, naming the key.</summary>
public class ViewerLimitOptionsTests
{
    private sealed class Host(string key, string value) : GatewayHost
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(key, value);
        }
    }

    [Theory]
    [InlineData("Live:MaxSubscriptionsPerAddress", "0")]
    [InlineData("Live:MaxWatchesPerGateway", "-1")]
    [InlineData("Live:InvocationsPerSecond", "0")]
    [InlineData("Live:InvocationBurst", "0")]
    public void Nonsense_is_refused_at_start_up_naming_the_key(string key, string value)
    {
        using var host = new Host(key, value);

        var refused = Assert.Throws<SettingsRefusedException>(() => host.Server);

        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
        Assert.Contains("at least 1", refused.Message, StringComparison.Ordinal);
    }
}
