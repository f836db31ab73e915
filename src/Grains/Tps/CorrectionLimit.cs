using KpuOrleans.Forms;

namespace KpuOrleans.Tps;

/// <summary>
/// The sliding window of corrections of one (TPS, contest), counted from the accepted history: the ledger's rows
/// are the record of what was taken, so the count survives a re-activation and needs no state of its own.
/// </summary>
public static class CorrectionLimit
{
    /// <returns>Null when one more correction fits now; otherwise how long until it does.</returns>
    public static TimeSpan? Wait(IReadOnlyList<AcceptedForm> history, DateTimeOffset now, CorrectionOptions options)
    {
        var windowStart = now - options.Window;
        // Not assumed in version order: rows written by silos whose clocks differ a little need not be.
        var inWindow = history.Where(h => h.Form.Version > 1 && h.AcceptedAt > windowStart).Select(h => h.AcceptedAt).Order().ToList();
        if (inWindow.Count < options.Limit) return null;
        // One more fits once all but Limit - 1 of them have left the window.
        var leaving = inWindow[inWindow.Count - options.Limit];
        return leaving + options.Window - now;
    }

    /// <summary>A wait as <c>Retry-After</c> counts it: whole seconds, rounded up, at least 1.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
