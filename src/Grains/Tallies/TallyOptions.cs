namespace KpuOrleans.Tallies;

/// <summary>Configuration section <c>Tally</c>.</summary>
public sealed class TallyOptions
{
    public const string Section = "Tally";

    /// <summary>
    /// How often a node may report to its parent. Changes inside one interval travel up as one report, which keeps
    /// the upper levels cool whatever the load (DESIGN.md invariant 5). An idle node reports at once.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(150);
}
