using KpuOrleans.Gateway.Api;
using KpuOrleans.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace KpuOrleans.Gateway.Live;

/// <summary>
/// The operators' live list of flagged forms on this gateway: entries the anomaly log pushes wait here, at most
/// <see cref="MaxWaiting"/> of them, for one fan-out at a time to hand each to every following viewer's own queue. A
/// push therefore returns at once, whatever the viewers' pace; one that fell behind misses the oldest entries, which
/// <c>GET /api/v1/anomalies</c> still lists.
/// </summary>
public sealed class AnomalyFeed(ILogger<AnomalyFeed> logger)
{
    public const int MaxWaiting = 500;

    private readonly Lock _gate = new();
    private readonly HashSet<Viewer> _viewers = [];
    private readonly Queue<AnomalyEntry> _waiting = new();
    private Viewer[] _audience = [];
    private bool _fanningOut;

    public bool HasViewers
    {
        get
        {
            lock (_gate) return _viewers.Count > 0;
        }
    }

    public void Add(Viewer viewer)
    {
        lock (_gate)
        {
            if (_viewers.Add(viewer)) _audience = [.. _viewers];
        }
    }

    public void Remove(Viewer viewer)
    {
        lock (_gate)
        {
            if (_viewers.Remove(viewer)) _audience = [.. _viewers];
            if (_viewers.Count == 0) _waiting.Clear();
        }
    }

    public void Offer(IEnumerable<AnomalyEntry> entries)
    {
        lock (_gate)
        {
            if (_viewers.Count == 0) return;
            foreach (var entry in entries)
            {
                if (_waiting.Count == MaxWaiting) _waiting.Dequeue();
                _waiting.Enqueue(entry);
            }
            if (_fanningOut) return;
            _fanningOut = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static feed => feed.FanOut(), this, preferLocal: false);
    }

    private void FanOut()
    {
        try
        {
            while (true)
            {
                AnomalyEntry entry;
                Viewer[] audience;
                lock (_gate)
                {
                    if (!_waiting.TryDequeue(out entry!))
                    {
                        _fanningOut = false;
                        return;
                    }
                    audience = _audience;
                }
                var message = new SerializedHubMessage(new InvocationMessage("anomaly", [AnomalyDto.From(entry)]));
                foreach (var viewer in audience) viewer.OfferAnomaly(message);
            }
        }
        catch (Exception e)
        {
            // Runs on the thread pool, where an exception would end the process; the next push starts a fresh fan-out.
            lock (_gate) _fanningOut = false;
            logger.LogWarning(e, "Sending anomalies to their viewers failed");
        }
    }
}
