using KpuOrleans.Simulator.Checking;

namespace KpuOrleans.Simulator.Live;

/// <summary>
/// One tally as a viewer received it: the figures, the tally's <c>version</c> and <c>updatedAt</c> (the newest
/// acceptance it includes), and when it arrived here.
/// </summary>
internal sealed record TallyMessage(ObservedTally Tally, DateTimeOffset? UpdatedAt, DateTime ReceivedAt)
{
    public long Version => Tally.Figures.Version;
}

/// <summary>Every tally one connection received for one subscription, in arrival order (the Subscribe answer first).</summary>
internal sealed class SubscriptionLog(TallyTarget target, int connection, DateTime subscribedAt)
{
    private readonly List<TallyMessage> _messages = [];

    public TallyTarget Target { get; } = target;

    public int Connection { get; } = connection;

    /// <summary>When the viewer asked to subscribe: forms accepted before then have no delivery delay to measure.</summary>
    public DateTime SubscribedAt { get; } = subscribedAt;

    public IReadOnlyList<TallyMessage> Messages
    {
        get
        {
            lock (_messages) return [.. _messages];
        }
    }

    public TallyMessage? Last
    {
        get
        {
            lock (_messages) return _messages.Count == 0 ? null : _messages[^1];
        }
    }

    public void Add(TallyMessage message)
    {
        lock (_messages) _messages.Add(message);
    }
}
