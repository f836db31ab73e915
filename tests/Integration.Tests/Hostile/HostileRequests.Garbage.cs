using System.Text;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.TestKit;

namespace KpuOrleans.Integration.Tests.Hostile;

/// <summary>
/// Raw garbage: bodies that are not a form's JSON at all, in the wrong encoding or content type, or over the size
/// limits.
/// </summary>
public sealed partial class HostileRequests
{
    private HostileRequest Garbage(int index, Random random, ResultForm form)
    {
        var text = Json(form);
        var path = random.Next(4) == 0 ? Batch : Results;
        var request = new HostileRequest(index, "garbage", "", HttpMethod.Post, path, Authorization: path == Batch ? Village(form) : Kpps(form));
        return random.Next(13) switch
        {
            0 => request with { Kind = "random-bytes", Body = RandomBytes(random, random.Next(1, 4_096)) },
            1 => request with { Kind = "invalid-utf8", Body = InvalidUtf8(random, form) },
            2 => request with { Kind = "truncated", Body = Utf8(text[..random.Next(text.Length)]) },
            3 => request with { Kind = "empty", Body = Pick(random, [[], Utf8("   "), Utf8("\r\n")]) },
            4 => request with { Kind = "top-level", Body = Utf8(Pick(random, ["null", "[]", $"[{text}]", "\"form\"", "42", "true", "{}", "-1e400"])) },
            5 => request with { Kind = "content-type", Body = Utf8(text), Path = Results, Authorization = Kpps(form), ContentType = Pick(random, ContentTypes) },
            6 => request with { Kind = "syntax", Body = Utf8(Pick(random, Syntax(text))) },
            7 => request with { Kind = "encoding", Body = Pick(random, [[0xEF, 0xBB, 0xBF, .. Utf8(text)], Encoding.Unicode.GetBytes(text), Encoding.UTF32.GetBytes(text), Encoding.Latin1.GetBytes(text.Replace("\"tps\"", "\"tpsé\""))]) },
            8 => request with { Kind = "over-64KiB", Path = Results, Authorization = Kpps(form), Body = Padded(text, FormLimit + 1 + random.Next(100)), Chunked = random.Next(2) == 0 },
            9 => request with { Kind = "exactly-64KiB", Path = Results, Authorization = Kpps(form), Body = Padded(text, FormLimit) },
            10 => request with { Kind = "other-formats", Body = Utf8(Pick(random, OtherFormats(form))), ContentType = Pick(random, ContentTypes) },
            11 => request with { Kind = "nul-bytes", Body = new byte[random.Next(1, 2_000)] },
            _ => request with { Kind = "numbers-only", Body = Utf8(new string('1', random.Next(1_000, 60_000))) },
        };
    }

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
        "application/json; charset=utf-16", "garbage/garbage;;;", "application/problem+json", "*/*",
    ];

    private static string[] Syntax(string text) =>
    [
        text[..^1] + ",}", "/* c */" + text, text + "// c", text.Replace('"', '\''), text.Replace("\"tps\"", "tps"), text + text,
        text + "garbage", text.Replace(":", "="), text.Replace("\"contest\"", "\"con\\u00\""), text.Replace("\"tps\":\"", "\"tps\":\"\\x41"),
        text.Replace("\"tps\":\"", "\"tps\":\"\u0001"),
    ];

    private static string[] OtherFormats(ResultForm form) =>
    [
        $"<form><tps>{form.Tps}</tps><contest>{form.Contest}</contest></form>",
        $"tps={form.Tps}&contest={form.Contest}&version=1&valid=1",
        $"--x\r\nContent-Disposition: form-data; name=\"tps\"\r\n\r\n{form.Tps}\r\n--x--\r\n",
        $"tps: {form.Tps}\ncontest: {form.Contest}\n",
    ];

    private static byte[] InvalidUtf8(Random random, ResultForm form)
    {
        const string marker = "@@bad@@";
        var json = ApiJson.Form(form);
        switch (random.Next(5))
        {
            case 0: json["tps"] = form.Tps + marker; break;
            case 1: json["reason"] = "r" + marker; break;
            case 2: json["x" + marker] = 1; break;
            case 3:
                var votes = (JsonObject)json["votes"]!;
                var count = votes["1"];
                votes.Remove("1");
                votes["1" + marker] = count;
                break;
            default: json["contest"] = marker + form.Contest; break;
        }
        byte[][] bad = [[0xC3, 0x28], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80, 0x80]];
        var text = json.ToJsonString(Raw);
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        return [.. Utf8(text[..at]), .. Pick(random, bad), .. Utf8(text[(at + marker.Length)..])];
    }

    /// <summary>The form with an unknown padding field, to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Padded(string text, int size)
    {
        const string prefix = "{\"padding\":\"", suffix = "\",";
        var padding = size - prefix.Length - suffix.Length - (text.Length - 1);
        var body = Utf8(prefix + new string('x', padding) + suffix + text[1..]);
        return body.Length == size ? body : throw new InvalidOperationException($"padded to {body.Length}, not {size}");
    }

    private HostileRequest OverBatchLimit(int index, bool chunked) =>
        new(index, "garbage", chunked ? "over-8MiB-chunked" : "over-8MiB", HttpMethod.Post, Batch,
            Padded("{\"forms\":[]}", BatchLimit + 1), Bearer(officers.For(accepted)), Chunked: chunked);
}
