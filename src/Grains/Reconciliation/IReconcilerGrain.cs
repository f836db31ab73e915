namespace KpuOrleans.Reconciliation;

/// <summary>The cluster's one reconciliation loop; any silo may (re)start it, and it runs wherever it lives.</summary>
public interface IReconcilerGrain : IGrainWithStringKey
{
    public const string Key = "tree";

    /// <summary>Activates the loop if it is not running (it keeps itself alive while it runs).</summary>
    Task EnsureRunning();

    /// <summary>Runs one pass now and returns the nodes it told to catch up.</summary>
    Task<string[]> RunPass();
}
