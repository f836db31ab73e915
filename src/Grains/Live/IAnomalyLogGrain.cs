namespace KpuOrleans.Live;

/// <summary>The newest flagged forms of a province, for the operators' live list. Keyed by the province code.</summary>
public interface IAnomalyLogGrain : IGrainWithStringKey
{
    [OneWay]
    Task Record(AnomalyEntry entry);

    /// <summary>The newest entries first.</summary>
    [AlwaysInterleave]
    Task<AnomalyEntry[]> Recent(int limit);

    /// <summary>Adds or renews a watch (it lapses unless renewed); returns the newest entries.</summary>
    [AlwaysInterleave]
    Task<AnomalyEntry[]> Watch(ILiveObserver observer);

    [AlwaysInterleave]
    Task Unwatch(ILiveObserver observer);
}
