using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// The hub's connections as <see cref="Viewer"/>s. SignalR's own lifetime manager still does everything else; this one
/// only keeps each connection's context at hand, so that the live feed writes a message serialized once to each
/// viewer at that viewer's own pace instead of a group send, which waits for the slowest member.
/// </summary>
public sealed class Viewers(ILogger<DefaultHubLifetimeManager<TallyHub>> logger, TimeProvider clock) : DefaultHubLifetimeManager<TallyHub>(logger)
{
    private readonly ConcurrentDictionary<string, Viewer> _byConnection = new(StringComparer.Ordinal);

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        _byConnection[connection.ConnectionId] = new Viewer(connection, clock);
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _byConnection.TryRemove(connection.ConnectionId, out _);
        return base.OnDisconnectedAsync(connection);
    }

    public Viewer? Find(string connectionId) => _byConnection.GetValueOrDefault(connectionId);

    /// <summary>Closes every connection whose pending write has waited longer than <paramref name="grace"/>.</summary>
    /// <returns>How many were closed.</returns>
    public int DisconnectBehind(TimeSpan grace)
    {
        var closed = 0;
        foreach (var viewer in _byConnection.Values)
        {
            if (!viewer.IsBehind(grace) || viewer.Closed) continue;
            viewer.Disconnect();
            closed++;
        }
        return closed;
    }
}
