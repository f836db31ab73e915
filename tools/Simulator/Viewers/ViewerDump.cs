using System.Diagnostics;
using System.Text;
using KpuOrleans.Simulator.Live;

namespace KpuOrleans.Simulator.Viewers;

/// <summary>One subscription as the viewer client hands it to the run at the end.</summary>
internal sealed record DumpedTally(
    int Viewer, bool Stalls, string? ClosedBecause, string Contest, string Region, DateTime SubscribedAt,
    IReadOnlyList<TallyMessage> Arrivals, byte[] LastRecord);

/// <summary>
/// The viewer client's logs as a binary file, written once the night is over: per subscription its arrivals
/// (version, updatedAt, arrival as UTC) and its last raw record. Stopwatch arrivals become UTC here, against one
/// reading of both clocks, so that they compare with the server's acceptedAt as DeliveryAnalysis needs.
/// </summary>
internal static class ViewerDump
{
    private const int Magic = 0x4b505556; // "VUPK"

    public static void Write(Stream stream, IReadOnlyList<LeanViewer> viewers)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        var (nowStamp, nowUtc) = (Stopwatch.GetTimestamp(), DateTime.UtcNow);
        writer.Write(Magic);
        writer.Write(viewers.Sum(v => v.Tallies.Count));
        foreach (var viewer in viewers)
        {
            foreach (var tally in viewer.Tallies)
            {
                writer.Write(viewer.Index);
                writer.Write(viewer.Stalls);
                writer.Write(viewer.Closed ? viewer.CloseReason ?? "closed" : "");
                writer.Write(tally.ContestId);
                writer.Write(tally.RegionCode);
                writer.Write(tally.SubscribedAt.Ticks);
                writer.Write(tally.Arrivals.Count);
                foreach (var arrival in tally.Arrivals)
                {
                    writer.Write(arrival.Version);
                    writer.Write(arrival.UpdatedAtTicks);
                    writer.Write((nowUtc - Stopwatch.GetElapsedTime(arrival.ReceivedAt, nowStamp)).Ticks);
                }
                writer.Write(tally.LastRecord.Length);
                writer.Write(tally.LastRecord);
            }
        }
    }

    public static List<DumpedTally> Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadInt32() != Magic) throw new InvalidDataException("not a viewer client's dump");
        var count = reader.ReadInt32();
        var tallies = new List<DumpedTally>(count);
        for (var i = 0; i < count; i++)
        {
            var viewer = reader.ReadInt32();
            var stalls = reader.ReadBoolean();
            var closed = reader.ReadString();
            var contest = reader.ReadString();
            var region = reader.ReadString();
            var subscribedAt = new DateTime(reader.ReadInt64(), DateTimeKind.Utc);
            var arrivals = new TallyMessage[reader.ReadInt32()];
            for (var j = 0; j < arrivals.Length; j++)
            {
                var version = reader.ReadInt64();
                var updatedAt = reader.ReadInt64();
                arrivals[j] = new TallyMessage(version, updatedAt == HubRecord.NotUpdated ? null : new DateTimeOffset(updatedAt, TimeSpan.Zero),
                    new DateTime(reader.ReadInt64(), DateTimeKind.Utc));
            }
            var last = reader.ReadBytes(reader.ReadInt32());
            tallies.Add(new DumpedTally(viewer, stalls, closed.Length == 0 ? null : closed, contest, region, subscribedAt, arrivals, last));
        }
        return tallies;
    }
}
