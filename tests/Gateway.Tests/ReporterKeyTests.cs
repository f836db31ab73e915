using KpuOrleans.Gateway.Api;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Hosting;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;

namespace KpuOrleans.Gateway.Tests;

/// <summary>README "Configuration", <c>Disputes__AddressKey</c>: where the reporter hash's key comes from, and what it never is.</summary>
public class ReporterKeyTests
{
    private static readonly string Configured = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string Signing = Convert.ToBase64String("a test key of thirty-two bytes!!"u8.ToArray());

    [Fact]
    public void A_configured_key_wins_and_every_gateway_given_it_hashes_an_address_alike()
    {
        var one = ReporterKey.From(new DisputeOptions { AddressKey = Configured }, new WriterAuthOptions { SigningKey = Signing });
        var two = ReporterKey.From(new DisputeOptions { AddressKey = Configured }, new WriterAuthOptions());
        Assert.Equal(one.Hash("203.0.113.7"), two.Hash("203.0.113.7"));
        Assert.NotEqual(one.Hash("203.0.113.7"), one.Hash("203.0.113.8"));
        Assert.Matches("^[0-9a-f]{64}$", one.Hash("203.0.113.7"));
        Assert.DoesNotContain("203.0.113.7", one.Hash("203.0.113.7"));
        Assert.False(one.IsPerProcess);
    }

    [Fact]
    public void Without_one_a_cluster_s_signing_key_gives_a_shared_key_that_is_not_the_signing_key_itself()
    {
        var one = ReporterKey.From(new DisputeOptions(), new WriterAuthOptions { SigningKey = Signing });
        var two = ReporterKey.From(new DisputeOptions(), new WriterAuthOptions { SigningKey = Signing });
        Assert.Equal(one.Key, two.Key);
        Assert.NotEqual(Convert.FromBase64String(Signing), one.Key);
        Assert.False(one.IsPerProcess);
    }

    [Fact]
    public void With_neither_each_process_draws_its_own()
    {
        var one = ReporterKey.From(new DisputeOptions(), new WriterAuthOptions());
        var two = ReporterKey.From(new DisputeOptions(), new WriterAuthOptions());
        Assert.True(one.IsPerProcess);
        Assert.NotEqual(one.Hash("203.0.113.7"), two.Hash("203.0.113.7"));
    }

    [Theory]
    [InlineData(0, null, "Disputes:PerAddressPerHour")]
    [InlineData(10, "not base64!", "Disputes:AddressKey must be base64")]
    [InlineData(10, "c2hvcnQ=", "Disputes:AddressKey is 40 bits")]
    public void Bad_settings_are_refused_by_name(int perHour, string? key, string named)
    {
        var problems = new DisputeOptions { PerAddressPerHour = perHour, AddressKey = key }.Problems().ToList();
        Assert.Contains(problems, p => p.Contains(named, StringComparison.Ordinal));
        Assert.Empty(new DisputeOptions { AddressKey = Configured }.Problems());
    }

    [Theory]
    [Trait(Lanes.Category, Lanes.Slow)]
    [InlineData("Disputes:PerAddressPerHour", "0")]
    [InlineData("Disputes:AddressKey", "c2hvcnQ=")]
    public void The_gateway_does_not_start_with_a_bad_dispute_setting_and_names_it(string key, string value)
    {
        using var host = new ConfiguredHost(key, value);
        var refused = Assert.Throws<SettingsRefusedException>(() => host.Server);
        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
    }

    private sealed class ConfiguredHost(string key, string value) : GatewayHost
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(key, value);
        }
    }
}
