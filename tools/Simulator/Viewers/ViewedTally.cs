using System.Text;

namespace KpuOrleans.Simulator.Viewers;

/// <summary>One tally message as the lean client keeps it: 24 bytes, no figures.</summary>
/// <param name="UpdatedAtTicks">UTC ticks of <c>updatedAt</c>, or <see cref="HubRecord.NotUpdated"/>.</param>
/// <param name="ReceivedAt">Stopwatch timestamp taken when the read that completed the record returned, before parsing.</param>
internal readonly record struct TallyArrival(long Version, long UpdatedAtTicks, long ReceivedAt);

/// <summary>
/// One subscription of one viewer: every arrival in compact form, and the last message's raw record, kept for the
/// end-of-run comparison of all its figures with the recount.
/// </summary>
internal sealed class ViewedTally(string contest, string region)
{
    private byte[] _last = [];
    private int _lastLength;
    private long _lastVersion = -1;

    public string ContestId { get; } = contest;
    public string RegionCode { get; } = region;
    public byte[] ContestUtf8 { get; } = Encoding.UTF8.GetBytes(contest);
    public byte[] RegionUtf8 { get; } = Encoding.UTF8.GetBytes(region);

    /// <summary>When the viewer asked to subscribe (UTC).</summary>
    public DateTime SubscribedAt { get; set; }

    /// <summary>Written only by the connection's receive loop; read once it has stopped.</summary>
    public List<TallyArrival> Arrivals { get; } = new(16);

    /// <summary>The version of the last message, for waiting on the recount while messages still arrive; -1 before any.</summary>
    public long LastVersion => Volatile.Read(ref _lastVersion);

    public ReadOnlySpan<byte> LastRecord => _last.AsSpan(0, _lastLength);

    public void Add(TallyArrival arrival, ReadOnlySpan<byte> record)
    {
        Arrivals.Add(arrival);
        if (_last.Length < record.Length) _last = new byte[Math.Max(record.Length, 512)];
        record.CopyTo(_last);
        _lastLength = record.Length;
        Volatile.Write(ref _lastVersion, arrival.Version);
    }

    public bool Is(ReadOnlySpan<byte> contestId, ReadOnlySpan<byte> regionCode) => contestId.SequenceEqual(ContestUtf8) && regionCode.SequenceEqual(RegionUtf8);
}
