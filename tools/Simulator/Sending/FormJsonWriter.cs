using System.Buffers;
using System.Text.Json;
using KpuOrleans.Forms;

namespace KpuOrleans.Simulator.Sending;

/// <summary>Writes forms as API.md's JSON (camelCase, votes keyed by ballot number), one alone or as a batch.</summary>
internal static class FormJsonWriter
{
    public static byte[] One(ResultForm form) => Write(writer => Form(writer, form));

    public static byte[] Batch(IEnumerable<ResultForm> forms) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray("forms");
        foreach (var form in forms) Form(writer, form);
        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer)) body(writer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Form(Utf8JsonWriter writer, ResultForm form)
    {
        writer.WriteStartObject();
        writer.WriteString("tps", form.Tps);
        writer.WriteString("contest", form.Contest);
        writer.WriteNumber("version", form.Version);
        writer.WriteNumber("registered", form.Registered);
        writer.WriteStartObject("voted");
        writer.WriteNumber("dpt", form.Voted.Dpt);
        writer.WriteNumber("dptb", form.Voted.Dptb);
        writer.WriteNumber("dpk", form.Voted.Dpk);
        writer.WriteEndObject();
        writer.WriteStartObject("ballots");
        writer.WriteNumber("received", form.Ballots.Received);
        writer.WriteNumber("used", form.Ballots.Used);
        writer.WriteNumber("spoiled", form.Ballots.Spoiled);
        writer.WriteNumber("unused", form.Ballots.Unused);
        writer.WriteEndObject();
        writer.WriteStartObject("votes");
        foreach (var (number, count) in form.Votes) writer.WriteNumber(number, count);
        writer.WriteEndObject();
        writer.WriteNumber("valid", form.Valid);
        writer.WriteNumber("invalid", form.Invalid);
        if (form.Reason is null) writer.WriteNull("reason");
        else writer.WriteString("reason", form.Reason);
        if (form.PhotoSha256 is null) writer.WriteNull("photoSha256");
        else writer.WriteString("photoSha256", form.PhotoSha256);
        if (form.Photos is { } photos)
        {
            writer.WriteStartArray("photos");
            foreach (var page in photos) writer.WriteStringValue(page);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }
}
