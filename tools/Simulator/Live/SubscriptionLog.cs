using KpuOrleans.Simulator.Checking;

namespace KpuOrleans.Simulator.Live;

/// <summary>
/// One tally as a viewer received it: its <c>version</c>, its <c>updatedAt</c> (the newest acceptance it includes),
/// and when it arrived at the viewer (taken before the message was parsed).
/// </summary>
internal readonly record struct TallyMessage(long Version, DateTimeOffset? UpdatedAt, DateTime ReceivedAt);

/// <summary>Every tally one connection received for one subscription, in arrival order (the Subscribe answer first).</summary>
internal sealed class SubscriptionLog(TallyTarget target, int connection, DateTime subscribedAt, List<TallyMessage>? messages = null)
{
    private readonly List<TallyMessage> _messages = messages ?? [];

    public TallyTarget Target { get; } = target;

    public int Connection { get; } = connection;

    /// <summary>When the viewer asked to subscribe: forms accepted before then have no delivery delay to measure.</summary>
    public DateTime SubscribedAt { get; } = subscribedAt;

    public IReadOnlyList<TallyMessage> Messages => _messages;

    /// <summary>All the figures of the last message, for the comparison with the recount; null before any.</summary>
    public ObservedTally? LastTally { get; set; }

    public void Add(TallyMessage message) => _messages.Add(message);
}
