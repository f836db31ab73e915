using System.Net;
using KpuOrleans.Gateway.Protection;

namespace KpuOrleans.Gateway.Tests;

public class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Limits_key_an_IPv4_address_itself_and_an_IPv6_address_by_its_64_prefix(string address, string key) =>
        Assert.Equal(key, ClientAddress.KeyOf(IPAddress.Parse(address)));

    [Fact]
    public void Trusted_networks_are_CIDRs_or_addresses_and_anything_else_stops_the_start_naming_the_key()
    {
        var networks = TrustedProxies.Parse(" 10.0.0.0/8, 192.168.1.5 ,fd00::/8");
        Assert.Equal(["10.0.0.0/8", "192.168.1.5/32", "fd00::/8"], networks.Select(n => n.ToString()));
        Assert.Empty(TrustedProxies.Parse(null));

        var refused = Assert.Throws<InvalidOperationException>(() => TrustedProxies.Parse("10.0.0.0/8,ingress-nginx"));
        Assert.Contains(TrustedProxies.Key, refused.Message);
        Assert.Contains("'ingress-nginx'", refused.Message);
    }

    [Fact]
    public void Limits_below_one_are_refused_by_name()
    {
        var options = new RateLimitOptions { WriterBurst = 0, HubConnectionsPerAddress = -1 };
        Assert.Equal(["RateLimits:WriterBurst must be at least 1.", "RateLimits:HubConnectionsPerAddress must be at least 1."], options.Problems());
    }
}
