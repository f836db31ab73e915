using System.Text.Json;

namespace KpuOrleans.Simulator.Viewers;

internal enum HubRecordKind
{
    /// <summary>Anything a viewer has no use for (another target, a stream item, ack, sequence).</summary>
    Other,

    /// <summary>An invocation of <c>tally</c>: a subscription's new state.</summary>
    Tally,

    /// <summary>The answer to one of the viewer's invocations (a Subscribe: the tally as it stands, or an error).</summary>
    Completion,

    Ping,

    /// <summary>The server ends the connection, with its reason when it gives one.</summary>
    Close,
}

/// <summary>
/// What a viewer reads off one record of SignalR's JSON hub protocol, and nothing more: the kind, the invocation id of
/// a completion, its error, and of the tally it carries only contest, region, version and updatedAt. The spans point
/// into the record, so it lives only as long as the receive buffer is untouched.
/// </summary>
internal readonly ref struct HubRecord
{
    /// <summary>A tally without <c>updatedAt</c> (nothing counted yet).</summary>
    public const long NotUpdated = long.MinValue;

    public HubRecordKind Kind { get; init; }
    public int InvocationId { get; init; }
    public string? Error { get; init; }
    public bool HasTally { get; init; }
    public ReadOnlySpan<byte> Contest { get; init; }
    public ReadOnlySpan<byte> Region { get; init; }
    public long Version { get; init; }

    /// <summary>UTC ticks of <c>updatedAt</c>, or <see cref="NotUpdated"/>.</summary>
    public long UpdatedAtTicks { get; init; }

    private static ReadOnlySpan<byte> Tally => "tally"u8;

    /// <summary>Reads one record (without its separator); throws <see cref="JsonException"/> on one that is not JSON.</summary>
    public static HubRecord Read(ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a hub record is a JSON object");
        int type = 0, invocationId = -1;
        var isTally = false;
        string? error = null;
        TallyFields tally = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                type = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("target"u8))
            {
                reader.Read();
                isTally = reader.ValueTextEquals(Tally);
            }
            else if (reader.ValueTextEquals("invocationId"u8))
            {
                reader.Read();
                invocationId = int.TryParse(reader.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : -1;
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("arguments is an array");
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) tally = TallyFields.Read(ref reader);
                // Whatever follows the first argument.
                while (reader.TokenType != JsonTokenType.EndArray)
                {
                    reader.Skip();
                    reader.Read();
                }
            }
            else if (reader.ValueTextEquals("result"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) tally = TallyFields.Read(ref reader);
                else reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        var kind = type switch
        {
            1 when isTally => HubRecordKind.Tally,
            3 => HubRecordKind.Completion,
            6 => HubRecordKind.Ping,
            7 => HubRecordKind.Close,
            _ => HubRecordKind.Other,
        };
        return new HubRecord
        {
            Kind = kind, InvocationId = invocationId, Error = error, HasTally = tally.Found,
            Contest = tally.Contest(record), Region = tally.Region(record), Version = tally.Version, UpdatedAtTicks = tally.UpdatedAtTicks,
        };
    }

    /// <summary>
    /// The four fields of a tally object, as positions in the record (a ref struct cannot hold spans of a span it
    /// does not own); an escaped string is copied out instead, which contest ids and region codes never need.
    /// </summary>
    private struct TallyFields
    {
        public bool Found;
        public long Version;
        public long UpdatedAtTicks;
        private (int Start, int Length) _contest, _region;
        private byte[]? _contestCopy, _regionCopy;

        public readonly ReadOnlySpan<byte> Contest(ReadOnlySpan<byte> record) => _contestCopy ?? record.Slice(_contest.Start, _contest.Length);

        public readonly ReadOnlySpan<byte> Region(ReadOnlySpan<byte> record) => _regionCopy ?? record.Slice(_region.Start, _region.Length);

        /// <summary>From the object's start to its end.</summary>
        public static TallyFields Read(ref Utf8JsonReader reader)
        {
            var fields = new TallyFields { Found = true, UpdatedAtTicks = NotUpdated };
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("contest"u8))
                {
                    reader.Read();
                    fields._contest = Position(ref reader, out fields._contestCopy);
                }
                else if (reader.ValueTextEquals("region"u8))
                {
                    reader.Read();
                    fields._region = Position(ref reader, out fields._regionCopy);
                }
                else if (reader.ValueTextEquals("version"u8))
                {
                    reader.Read();
                    fields.Version = reader.GetInt64();
                }
                else if (reader.ValueTextEquals("updatedAt"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String) fields.UpdatedAtTicks = reader.GetDateTimeOffset().UtcTicks;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            return fields;
        }

        private static (int, int) Position(ref Utf8JsonReader reader, out byte[]? copy)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException("contest and region are strings");
            copy = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : null;
            // Without escapes the value's bytes are the record's, right after the opening quote.
            return ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
        }
    }
}
