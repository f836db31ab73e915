using System.Text;
using KpuOrleans.Simulator.Viewers;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The lean viewer client reads SignalR's JSON protocol by hand: records end with 0x1E wherever the reads cut them,
/// and of a record it keeps the kind, the completion's id or error and the tally's contest, region, version and
/// updatedAt.
/// </summary>
public class HubRecordTests
{
    private const string Tally = """{"type":1,"target":"tally","arguments":[{"contest":"pilpres","region":"35.78","votes":{"01":5,"02":7},"valid":12,"version":42,"updatedAt":"2024-11-27T06:00:01.5+00:00"}]}""";
    private const string Answer = """{"type":3,"invocationId":"2","result":{"region":"35.78.01","contest":"pilgub","version":0,"updatedAt":null,"votes":{}}}""";

    private static List<string> Feed(RecordBuffer buffer, params string[] reads)
    {
        var records = new List<string>();
        foreach (var read in reads)
        {
            var bytes = Encoding.UTF8.GetBytes(read);
            var at = 0;
            while (at < bytes.Length)
            {
                var free = buffer.Free;
                var count = Math.Min(free.Length, bytes.Length - at);
                bytes.AsSpan(at, count).CopyTo(free.Span);
                at += count;
                buffer.Advance(count, record => records.Add(Encoding.UTF8.GetString(record)));
            }
        }
        return records;
    }

    [Fact]
    public void A_record_cut_across_reads_comes_out_whole_once_its_end_arrives()
    {
        using var buffer = new RecordBuffer(16);
        var whole = Tally + "\u001e";

        var records = Feed(buffer, whole[..10], whole[10..100], whole[100..]);

        Assert.Equal([Tally], records);
    }

    [Fact]
    public void Several_records_in_one_read_come_out_in_order_and_a_trailing_part_waits()
    {
        using var buffer = new RecordBuffer();
        var ping = """{"type":6}""";

        var first = Feed(buffer, $"{Tally}\u001e{ping}\u001e{Answer}\u001e{Tally[..20]}");
        var second = Feed(buffer, $"{Tally[20..]}\u001e");

        Assert.Equal([Tally, ping, Answer], first);
        Assert.Equal([Tally], second);
    }

    [Fact]
    public void A_tally_invocation_gives_its_contest_region_version_and_updated_at()
    {
        var record = HubRecord.Read(Encoding.UTF8.GetBytes(Tally));

        Assert.Equal(HubRecordKind.Tally, record.Kind);
        Assert.True(record.HasTally);
        Assert.Equal("pilpres", Encoding.UTF8.GetString(record.Contest));
        Assert.Equal("35.78", Encoding.UTF8.GetString(record.Region));
        Assert.Equal(42, record.Version);
        Assert.Equal(new DateTimeOffset(2024, 11, 27, 6, 0, 1, 500, TimeSpan.Zero).UtcTicks, record.UpdatedAtTicks);
    }

    [Fact]
    public void A_subscribe_answer_is_a_completion_with_its_id_and_the_tally_as_it_stands()
    {
        var record = HubRecord.Read(Encoding.UTF8.GetBytes(Answer));

        Assert.Equal(HubRecordKind.Completion, record.Kind);
        Assert.Equal(2, record.InvocationId);
        Assert.Null(record.Error);
        Assert.Equal("pilgub", Encoding.UTF8.GetString(record.Contest));
        Assert.Equal("35.78.01", Encoding.UTF8.GetString(record.Region));
        Assert.Equal(0, record.Version);
        Assert.Equal(HubRecord.NotUpdated, record.UpdatedAtTicks);
    }

    [Theory]
    [InlineData("""{"type":6}""", (int)HubRecordKind.Ping, null)]
    [InlineData("""{"type":7,"error":"Server timeout elapsed without receiving a message from the client.","allowReconnect":true}""", (int)HubRecordKind.Close,
        "Server timeout elapsed without receiving a message from the client.")]
    [InlineData("""{"type":3,"invocationId":"0","error":"Unknown region '99'."}""", (int)HubRecordKind.Completion, "Unknown region '99'.")]
    [InlineData("""{"type":1,"target":"anomaly","arguments":[{"contest":"pilpres","region":"35.78","version":3}]}""", (int)HubRecordKind.Other, null)]
    public void Pings_closes_errors_and_other_targets_are_told_apart(string json, int kind, string? error)
    {
        var record = HubRecord.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal((HubRecordKind)kind, record.Kind);
        Assert.Equal(error, record.Error);
    }

    [Fact]
    public void An_escaped_region_code_is_read_as_its_text()
    {
        var record = HubRecord.Read(Encoding.UTF8.GetBytes("""{"type":1,"target":"tally","arguments":[{"contest":"pil\u0070res","region":"35\u002e78","version":1}]}"""));

        Assert.Equal("pilpres", Encoding.UTF8.GetString(record.Contest));
        Assert.Equal("35.78", Encoding.UTF8.GetString(record.Region));
    }
}
