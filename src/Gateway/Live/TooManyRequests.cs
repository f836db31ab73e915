using KpuOrleans.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// The hub's 429-style errors (API.md, "Limits"): a <see cref="HubException"/> whose message starts with
/// <c>429 Too Many Requests: </c> and the limit's name, so that a client can tell them apart from a bad request
/// without parsing prose. SignalR sends a HubException's message to the caller; any other exception's it hides.
/// </summary>
public static class TooManyRequests
{
    public const string Prefix = "429 Too Many Requests: ";

    public const string PerConnection = "per connection";
    public const string PerAddress = "per address";
    public const string PerGateway = "per gateway";
    public const string InvocationRate = "invocation rate";

    /// <summary>Counted here rather than logged: the caller decides how many there are (see <see cref="HubCallLog"/>).</summary>
    public static HubException Refusal(string limit, string detail)
    {
        KpuMetrics.LiveRefusals.Add(1, new KeyValuePair<string, object?>("limit", limit));
        return new HubException($"{Prefix}{limit}: {detail}");
    }
}
