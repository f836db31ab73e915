using KpuOrleans.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// One hub connection as the live feed sees it: what it follows, and the messages waiting for it. It holds at most one
/// waiting tally per followed (contest, region), the newest, and a short queue of anomalies, and it writes one message
/// at a time. A viewer that stops reading therefore costs its transport's bounded buffers plus those slots, never a
/// growing queue: while its one write waits, newer tallies replace the waiting ones, and a write that waits longer
/// than the grace period (<see cref="LiveOptions.SlowViewerGrace"/>) gets the connection closed.
/// </summary>
public sealed class Viewer(HubConnectionContext connection, TimeProvider clock)
{
    /// <summary>Anomalies waiting for a viewer that is behind; older ones are dropped (it can read them from the API).</summary>
    public const int MaxWaitingAnomalies = 100;

    private readonly Dictionary<(string Contest, string Region), SerializedHubMessage> _tallies = [];

    /// <summary>The waiting pairs in the order they started waiting, so that a busy pair cannot starve a quiet one.</summary>
    private readonly Queue<(string Contest, string Region)> _order = new();
    private readonly Queue<SerializedHubMessage> _anomalies = new();
    private bool _writing;
    private long _waitingSince;
    private long _written;
    private long _superseded;

    public string ConnectionId => connection.ConnectionId;

    /// <summary>The (contest, region) pairs it follows; guarded by locking the set.</summary>
    public HashSet<(string Contest, string Region)> Following { get; } = [];

    public bool Closed => connection.ConnectionAborted.IsCancellationRequested;

    /// <summary>Messages written to its transport.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Messages replaced by a newer one (or dropped from the anomaly queue) before they were written.</summary>
    public long Superseded => Interlocked.Read(ref _superseded);

    /// <summary>Messages waiting for it now: at most one per followed pair plus <see cref="MaxWaitingAnomalies"/>.</summary>
    public int Waiting
    {
        get
        {
            lock (_tallies) return _tallies.Count + _anomalies.Count;
        }
    }

    /// <summary>Whether a write has waited for the client longer than <paramref name="grace"/>.</summary>
    public bool IsBehind(TimeSpan grace)
    {
        var since = Interlocked.Read(ref _waitingSince);
        return since != 0 && clock.GetElapsedTime(since) > grace;
    }

    /// <summary>Makes <paramref name="message"/> the next tally this viewer gets for <paramref name="key"/>, replacing any still waiting.</summary>
    public void Offer((string Contest, string Region) key, SerializedHubMessage message)
    {
        if (Closed) return;
        lock (_tallies)
        {
            if (_tallies.ContainsKey(key)) Supersede();
            else _order.Enqueue(key);
            _tallies[key] = message;
            if (!StartWriting()) return;
        }
        _ = WriteAsync();
    }

    public void OfferAnomaly(SerializedHubMessage message)
    {
        if (Closed) return;
        lock (_tallies)
        {
            if (_anomalies.Count == MaxWaitingAnomalies)
            {
                _anomalies.Dequeue();
                Supersede();
            }
            _anomalies.Enqueue(message);
            if (!StartWriting()) return;
        }
        _ = WriteAsync();
    }

    /// <summary>Drops what waits for <paramref name="key"/>: an unsubscribed viewer gets nothing more of it.</summary>
    public void Forget((string Contest, string Region) key)
    {
        lock (_tallies)
        {
            if (!_tallies.Remove(key) || _order.Count <= 2 * _tallies.Count + 8) return;
            // Subscribing and leaving while behind must not grow the order with pairs that no longer wait.
            var waiting = _order.Where(_tallies.ContainsKey).Distinct().ToList();
            _order.Clear();
            foreach (var pair in waiting) _order.Enqueue(pair);
        }
    }

    public void Disconnect() => connection.Abort();

    private void Supersede()
    {
        Interlocked.Increment(ref _superseded);
        KpuMetrics.LiveMessagesSuperseded.Add(1);
    }

    private bool StartWriting()
    {
        if (_writing) return false;
        _writing = true;
        return true;
    }

    /// <summary>
    /// The one writer: runs on the offering thread until a write has to wait for the client, so that a viewer keeping
    /// up costs no extra task, and a viewer falling behind holds up nobody else's fan-out.
    /// </summary>
    private async Task WriteAsync()
    {
        try
        {
            while (TakeNext() is { } message)
            {
                var write = connection.WriteAsync(message);
                if (write.IsCompleted)
                {
                    write.GetAwaiter().GetResult();
                }
                else
                {
                    Interlocked.Exchange(ref _waitingSince, clock.GetTimestamp());
                    await write;
                    Interlocked.Exchange(ref _waitingSince, 0);
                }
                Interlocked.Increment(ref _written);
            }
        }
        catch (Exception)
        {
            // The connection is gone or going; its disconnect releases what it followed.
            lock (_tallies)
            {
                _tallies.Clear();
                _order.Clear();
                _anomalies.Clear();
                _writing = false;
            }
        }
    }

    private SerializedHubMessage? TakeNext()
    {
        lock (_tallies)
        {
            if (_anomalies.TryDequeue(out var anomaly)) return anomaly;
            // A forgotten pair leaves its place in the order behind; it is skipped here.
            while (_order.TryDequeue(out var key))
            {
                if (_tallies.Remove(key, out var tally)) return tally;
            }
            _writing = false;
            return null;
        }
    }
}
