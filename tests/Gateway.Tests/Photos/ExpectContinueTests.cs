using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests.Photos;

/// <summary>
/// Over real HTTP/1.1 (a gateway process and Kestrel): a photo already stored is answered before its body is asked
/// for, so a client sending <c>Expect: 100-continue</c> never uploads it again; a new one is asked for with 100 Continue.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class ExpectContinueTests
{
    [Fact]
    public async Task A_stored_photo_is_answered_200_without_its_body_and_a_new_one_gets_100_continue()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("photo-expect");
        var stored = PhotoSamples.Png(seed: 91);
        using (var http = new HttpClient { BaseAddress = gateway.Address })
        {
            using var first = new ByteArrayContent(stored);
            first.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using var created = await http.PutAsync($"api/v1/photos/{PhotoSamples.Sha256(stored)}", first);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // Headers only, then wait: the final answer comes without any body sent.
        await using (var again = await RawAsync(gateway.Address, stored, "image/png", stored.Length))
        {
            var (status, headers) = await again.ReadHeadAsync();
            Assert.True(status == 200, headers);
            Assert.Contains(PhotoSamples.Sha256(stored), await again.ReadUntilAsync(PhotoSamples.Sha256(stored)));
        }

        var fresh = PhotoSamples.Png(seed: 92);
        await using (var upload = await RawAsync(gateway.Address, fresh, "image/png", fresh.Length))
        {
            var (status, headers) = await upload.ReadHeadAsync();
            Assert.True(status == 100, headers);
            await upload.Stream.WriteAsync(fresh);
            (status, headers) = await upload.ReadHeadAsync();
            Assert.True(status == 201, headers);
        }

        await using (var tooLarge = await RawAsync(gateway.Address, fresh, "image/png", 8 * 1024 * 1024 + 1))
        {
            var (status, headers) = await tooLarge.ReadHeadAsync();
            Assert.True(status == 413, headers);
        }
    }

    private static async Task<RawExchange> RawAsync(Uri gateway, byte[] photo, string contentType, long contentLength)
    {
        var client = new TcpClient();
        await client.ConnectAsync(gateway.Host, gateway.Port);
        var stream = client.GetStream();
        var head = $"PUT /api/v1/photos/{PhotoSamples.Sha256(photo)} HTTP/1.1\r\nHost: {gateway.Authority}\r\nContent-Type: {contentType}\r\n" +
            $"Content-Length: {contentLength}\r\nExpect: 100-continue\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        return new RawExchange(client, stream);
    }

    private sealed class RawExchange(TcpClient client, NetworkStream stream) : IAsyncDisposable
    {
        private readonly List<byte> _pending = [];

        public NetworkStream Stream => stream;

        /// <returns>The status and the whole head, as read off the wire.</returns>
        public async Task<(int Status, string Head)> ReadHeadAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var buffer = new byte[4096];
            int end;
            while ((end = IndexOfBlankLine()) < 0)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) throw new IOException($"the connection closed after: {Encoding.ASCII.GetString([.. _pending])}");
                _pending.AddRange(buffer.AsSpan(0, read));
            }
            var head = Encoding.ASCII.GetString([.. _pending.Take(end)]);
            _pending.RemoveRange(0, end + 4);
            return (int.Parse(head.Split(' ')[1]), head);
        }

        /// <returns>What follows the head, read until it holds <paramref name="text"/> (or the connection ends).</returns>
        public async Task<string> ReadUntilAsync(string text)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var buffer = new byte[4096];
            while (!Encoding.UTF8.GetString([.. _pending]).Contains(text, StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0) break;
                _pending.AddRange(buffer.AsSpan(0, read));
            }
            return Encoding.UTF8.GetString([.. _pending]);
        }

        private int IndexOfBlankLine()
        {
            for (var i = 0; i + 3 < _pending.Count; i++)
                if (_pending[i] == '\r' && _pending[i + 1] == '\n' && _pending[i + 2] == '\r' && _pending[i + 3] == '\n') return i;
            return -1;
        }

        public ValueTask DisposeAsync()
        {
            client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
