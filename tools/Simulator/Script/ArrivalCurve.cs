using KpuOrleans.Registry;

namespace KpuOrleans.Simulator.Script;

/// <summary>
/// When TPS forms come in after polls close at 13:00 WIB: the share of TPS reported by each hour, shaped on the 2024
/// counts (counting takes a few hours; the bulk arrives in the evening; 98.5% by 01:00; a thin tail until the
/// morning). Piecewise linear between the points.
/// </summary>
internal sealed class ArrivalCurve
{
    public static readonly ArrivalCurve Pilkada2024 = new([
        (0, 0), (0.5, 0.002), (1, 0.01), (2, 0.07), (3, 0.22), (4, 0.42), (5, 0.60), (6, 0.74), (7, 0.84),
        (8, 0.905), (9, 0.945), (10, 0.967), (11, 0.978), (12, 0.985), (14, 0.993), (16, 0.998), (18, 1.0),
    ]);

    /// <summary>
    /// The whole country's night: KPU reached about 90% of TPS some eleven hours after the polls closed (the issue's
    /// figure for 27 November 2024, Sirekap's national progress), slower than Jawa Timur alone, with a tail into the
    /// next morning. Shaped like <see cref="Pilkada2024"/>, stretched to meet that point.
    /// </summary>
    public static readonly ArrivalCurve Indonesia2024 = new([
        (0, 0), (0.5, 0.001), (1, 0.006), (2, 0.04), (3, 0.12), (4, 0.24), (5, 0.37), (6, 0.49), (7, 0.60), (8, 0.69),
        (9, 0.77), (10, 0.84), (11, 0.90), (12, 0.935), (14, 0.97), (16, 0.988), (18, 0.996), (20, 1.0),
    ]);

    /// <summary>The night of a registry: the country's on the national one (root <c>0</c>), Jawa Timur's otherwise.</summary>
    public static ArrivalCurve For(RegionRegistry registry) => registry.Root.Level == Level.Nation ? Indonesia2024 : Pilkada2024;

    /// <summary>Polls close, and the night starts, at 13:00 WIB (UTC+7).</summary>
    public static readonly TimeSpan PollsClose = TimeSpan.FromHours(13);

    private readonly (double Hours, double Share)[] _points;

    public ArrivalCurve(IReadOnlyList<(double Hours, double Share)> points)
    {
        if (points.Count < 2 || points[0].Share != 0 || points[^1].Share != 1)
            throw new ArgumentException("the curve must run from share 0 to share 1", nameof(points));
        for (var i = 1; i < points.Count; i++)
        {
            if (points[i].Hours <= points[i - 1].Hours || points[i].Share < points[i - 1].Share)
                throw new ArgumentException("the curve must grow with time", nameof(points));
        }
        _points = [.. points];
    }

    /// <summary>The whole night: when the last TPS reports.</summary>
    public TimeSpan Length => TimeSpan.FromHours(_points[^1].Hours);

    /// <summary>Share of TPS reported <paramref name="after"/> polls close.</summary>
    public double ShareBy(TimeSpan after)
    {
        var hours = after.TotalHours;
        if (hours <= _points[0].Hours) return 0;
        for (var i = 1; i < _points.Length; i++)
        {
            var (h1, s1) = _points[i];
            if (hours > h1) continue;
            var (h0, s0) = _points[i - 1];
            return s0 + (s1 - s0) * (hours - h0) / (h1 - h0);
        }
        return 1;
    }

    /// <summary>The time by which a share <paramref name="quantile"/> (0–1) of TPS has reported: inverse of <see cref="ShareBy"/>.</summary>
    public TimeSpan TimeOf(double quantile)
    {
        quantile = Math.Clamp(quantile, 0, 1);
        for (var i = 1; i < _points.Length; i++)
        {
            var (h1, s1) = _points[i];
            if (quantile > s1) continue;
            var (h0, s0) = _points[i - 1];
            var hours = s1 == s0 ? h0 : h0 + (h1 - h0) * (quantile - s0) / (s1 - s0);
            return TimeSpan.FromHours(hours);
        }
        return Length;
    }

    /// <summary>Wall-clock time of the night, e.g. "19:42 WIB" (past midnight it wraps).</summary>
    public static string ClockOf(TimeSpan after)
    {
        var clock = PollsClose + after;
        return $"{(int)clock.TotalHours % 24:00}:{clock.Minutes:00} WIB";
    }
}
