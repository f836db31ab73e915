using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using KpuOrleans.Simulator.Throttling;

namespace KpuOrleans.Simulator.Viewers;

/// <summary>
/// One viewer of the results page, as cheap as a viewer can be: a raw WebSocket straight to <c>/hubs/tally</c> (no
/// negotiation, which the server skips for a WebSocket connect), SignalR's JSON protocol spoken by hand, one pooled
/// receive buffer, and every arrival timestamped as the read returns, before any parsing. The gateway, not this
/// client, is what the fan-out figures are to measure.
/// </summary>
internal sealed class LeanViewer(int index, IReadOnlyList<ViewedTally> tallies, bool stalls) : IAsyncDisposable
{
    private static readonly byte[] Handshake = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private ClientWebSocket _socket = new();
    private readonly RecordBuffer _buffer = new();
    private readonly TaskCompletionSource<string?> _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopReading;
    private volatile bool _closed;
    private int _answers;
    private int _pinging;
    private long _messages;
    private Task _receiving = Task.CompletedTask;

    public int Index { get; } = index;
    public IReadOnlyList<ViewedTally> Tallies { get; } = tallies;

    /// <summary>This viewer stops reading its socket for good when told to (<see cref="StopReading"/>).</summary>
    public bool Stalls { get; } = stalls;

    /// <summary>Every Subscribe answered: the viewer is live.</summary>
    public bool Subscribed { get; private set; }

    /// <summary>The server closed the connection, or it broke.</summary>
    public bool Closed => _closed;

    public string? CloseReason { get; private set; }

    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Connects (again after each 429, as Retry-After says), shakes hands and subscribes to every tally.</summary>
    /// <param name="throttled">Called for each 429, for the run's count of them.</param>
    public async Task ConnectAsync(Uri hub, Action throttled, TimeSpan patience, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            _socket.Options.CollectHttpResponseDetails = true;
            // SignalR's own pings keep the connection alive; a WebSocket-level keep-alive would only add traffic.
            _socket.Options.KeepAliveInterval = TimeSpan.Zero;
            try
            {
                await _socket.ConnectAsync(hub, cancellationToken);
                break;
            }
            catch (WebSocketException) when (_socket.HttpStatusCode == HttpStatusCode.TooManyRequests && waited < patience)
            {
                var retryAfter = _socket.HttpResponseHeaders?.TryGetValue("Retry-After", out var values) == true
                                 && RetryConditionHeaderValue.TryParse(values.FirstOrDefault(), out var parsed) ? parsed : null;
                var wait = Throttle.WaitFor(retryAfter, DateTimeOffset.UtcNow);
                throttled();
                await Task.Delay(wait, cancellationToken);
                waited += wait;
                _socket.Dispose();
                _socket = new ClientWebSocket();
            }
        }
        var socket = _socket;
        await socket.SendAsync(Handshake, WebSocketMessageType.Text, true, cancellationToken);
        _receiving = ReceiveAsync(socket);
        foreach (var tally in Tallies) tally.SubscribedAt = DateTime.UtcNow;
        await socket.SendAsync(Subscriptions(), WebSocketMessageType.Text, true, cancellationToken);
        if (await _subscribed.Task.WaitAsync(cancellationToken) is { } problem) throw new ViewerRefusedException($"viewer {Index}: {problem}");
        Subscribed = true;
    }

    /// <summary>All the Subscribe invocations in one message; each invocation id is the tally's index.</summary>
    private byte[] Subscriptions()
    {
        var text = new StringBuilder();
        for (var i = 0; i < Tallies.Count; i++)
        {
            text.Append(JsonSerializer.Serialize(new
            {
                type = 1, invocationId = i.ToString(System.Globalization.CultureInfo.InvariantCulture), target = "Subscribe",
                arguments = new[] { Tallies[i].ContestId, Tallies[i].RegionCode },
            }));
            text.Append('\u001e');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>From now on this viewer reads nothing more (a read already waiting still returns once).</summary>
    public void StopReading() => _stopReading = true;

    /// <summary>
    /// A SignalR ping, as every client sends so that the server does not time it out (30 s without a word). A viewer
    /// that stopped reading goes on pinging: it stands for a live client that cannot keep up, not a dead one, so
    /// whether it is dropped is the gateway's slow-viewer policy, not its idle timeout. A failed send means the
    /// gateway has closed the connection.
    /// </summary>
    public async Task PingAsync()
    {
        if (!Subscribed || _closed || Interlocked.Exchange(ref _pinging, 1) == 1) return;
        try
        {
            await _socket.SendAsync(Ping, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            Close($"a ping could not be sent: {e.Message}");
        }
        finally
        {
            Volatile.Write(ref _pinging, 0);
        }
    }

    private async Task ReceiveAsync(ClientWebSocket socket)
    {
        try
        {
            var handshaken = false;
            while (!_stopReading)
            {
                var read = await socket.ReceiveAsync(_buffer.Free, CancellationToken.None);
                var receivedAt = Stopwatch.GetTimestamp();
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    Close($"closed by the server: {socket.CloseStatus} {socket.CloseStatusDescription}");
                    return;
                }
                _buffer.Advance(read.Count, record =>
                {
                    if (!handshaken)
                    {
                        handshaken = true;
                        var error = Handshaken(record);
                        if (error is not null) _subscribed.TrySetResult($"the handshake was refused: {error}");
                        return;
                    }
                    OnRecord(record, receivedAt);
                });
                if (_closed) return;
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or JsonException)
        {
            Close($"the connection broke: {e.Message}");
        }
    }

    private static string? Handshaken(ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("error"u8) && reader.Read()) return reader.GetString();
        }
        return null;
    }

    private void OnRecord(ReadOnlySpan<byte> bytes, long receivedAt)
    {
        var record = HubRecord.Read(bytes);
        switch (record.Kind)
        {
            case HubRecordKind.Tally when record.HasTally:
                foreach (var tally in Tallies)
                {
                    if (!tally.Is(record.Contest, record.Region)) continue;
                    tally.Add(new TallyArrival(record.Version, record.UpdatedAtTicks, receivedAt), bytes);
                    Interlocked.Increment(ref _messages);
                    break;
                }
                break;
            case HubRecordKind.Completion when record.InvocationId >= 0 && record.InvocationId < Tallies.Count:
                if (record.Error is { } error) _subscribed.TrySetResult($"Subscribe({Tallies[record.InvocationId].ContestId}, {Tallies[record.InvocationId].RegionCode}) failed: {error}");
                else if (record.HasTally) Tallies[record.InvocationId].Add(new TallyArrival(record.Version, record.UpdatedAtTicks, receivedAt), bytes);
                if (++_answers == Tallies.Count) _subscribed.TrySetResult(null);
                break;
            case HubRecordKind.Close:
                Close($"closed by the server{(record.Error is { } reason ? $": {reason}" : "")}");
                break;
        }
    }

    private void Close(string reason)
    {
        if (_closed) return;
        CloseReason = reason;
        _closed = true;
        _subscribed.TrySetResult(reason);
    }

    public async ValueTask DisposeAsync()
    {
        _stopReading = true;
        _socket.Abort();
        try { await _receiving; } catch (Exception) { /* a viewer closing is not a finding */ }
        _socket.Dispose();
        _buffer.Dispose();
    }
}

/// <summary>The gateway would not let a viewer in (its handshake or a Subscribe refused, or the connection closed first).</summary>
internal sealed class ViewerRefusedException(string message) : Exception(message);
