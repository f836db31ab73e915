using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Gateway.Tests;

/// <summary>A correction limit that would refuse every correction, or never let one in again, stops the start-up.</summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class CorrectionOptionsTests
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
    [InlineData("Corrections:Limit", "0")]
    [InlineData("Corrections:Limit", "-3")]
    [InlineData("Corrections:Limit", "100001")]
    [InlineData("Corrections:Window", "00:00:00")]
    [InlineData("Corrections:Window", "-01:00:00")]
    [InlineData("Corrections:Window", "30.00:00:00")]
    public void Nonsense_is_refused_at_start_up_naming_the_key(string key, string value)
    {
        using var host = new Host(key, value);

        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(failure));
        Assert.Contains(key, validation.Message);
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions: [var only] } ? Unwrap(only) : e;
}
