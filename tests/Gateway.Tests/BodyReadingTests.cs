using System.Net;
using System.Text;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// The body is read into pooled buffers, grown as a body of unannounced length arrives, and its text is walked for
/// bad UTF-8 only when its bytes could hold some: each path is taken here with a body that must still be judged right.
/// </summary>
public class BodyReadingTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    /// <summary>Sends its bytes in small writes with no Content-Length, as a chunked upload does.</summary>
    private sealed class UnannouncedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var at = 0; at < body.Length; at += 1000) await stream.WriteAsync(body.AsMemory(at, Math.Min(1000, body.Length - at)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpContent content, string path = "/api/v1/results")
    {
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await host.CreateClient().PostAsync(path, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Form(string tps, string? reason = null)
    {
        var form = GatewayHost.ToJson(SubmitTests.FormFor(tps));
        return reason is null ? form.ToJsonString() : form.ToJsonString().Replace("\"reason\":null", $"\"reason\":{reason}", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_of_unannounced_length_larger_than_the_first_buffer_is_read_whole_and_accepted()
    {
        // Padding in a field the form does not know: 20 KiB makes the buffer grow several times.
        var body = Form("35.78.01.1001.001").Replace("{\"tps\"", $"{{\"padding\":\"{new string('x', 20 * 1024)}\",\"tps\"", StringComparison.Ordinal);

        var (status, text) = await PostAsync(new UnannouncedContent(Encoding.UTF8.GetBytes(body)));

        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {text}");
    }

    [Fact]
    public async Task A_form_of_unannounced_length_over_64_KiB_is_413_as_an_announced_one()
    {
        var body = Form("35.78.01.1001.002").Replace("{\"tps\"", $"{{\"padding\":\"{new string('x', 70 * 1024)}\",\"tps\"", StringComparison.Ordinal);

        var (status, text) = await PostAsync(new UnannouncedContent(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("The body exceeds 64 KiB, the most this endpoint takes.", text);
    }

    [Theory]
    [InlineData("35.78.01.1001.003", "\"a pair of escaped surrogates: \\ud83d\\ude00\"")]
    [InlineData("35.78.01.1001.004", "\"an escaped backslash before ud800: \\\\ud800\"")]
    [InlineData("35.78.01.1001.005", "\"other escapes: \\u00e9 \\u0041 \\n\"")]
    [InlineData("35.78.01.1001.006", "\"raw UTF-8: ✓ é 😀\"")]
    public async Task Text_that_looks_like_a_bad_escape_but_reads_is_accepted(string tps, string reason)
    {
        var (status, text) = await PostAsync(new StringContent(Form(tps, reason), Encoding.UTF8));

        Assert.True(status == HttpStatusCode.Created, $"{reason}: {(int)status} {text}");
    }

    [Fact]
    public async Task An_escaped_lone_surrogate_in_an_unknown_field_is_400_naming_it()
    {
        var body = Form("35.78.01.1001.007").Replace("{\"tps\"", "{\"note\":{\"x\":[\"ok\",\"\\udfff\"]},\"tps\"", StringComparison.Ordinal);

        var (status, text) = await PostAsync(new UnannouncedContent(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("The text at 'note.x[1]' is not valid UTF-8", text);
    }
}
