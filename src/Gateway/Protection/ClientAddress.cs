using System.Net;
using System.Net.Sockets;

namespace KpuOrleans.Gateway.Protection;

/// <summary>Who a request comes from, for limits per client (after <see cref="TrustedProxies"/> has put the real client in place).</summary>
public static class ClientAddress
{
    /// <summary>
    /// An IPv4 address, or an IPv6 address's /64 prefix: one IPv6 subscriber is usually handed a whole /64, so keying
    /// on the full address would let a single client rotate through billions of them.
    /// </summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
