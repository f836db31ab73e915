namespace KpuOrleans.Reconciliation;

/// <summary>Configuration section <c>Reconciliation</c>.</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";

    /// <summary>
    /// Time between passes. A node is healed when it still lags, at one pass, what the ledger held at the pass
    /// before; so this must comfortably exceed the time a form takes to climb the tree (4 flush intervals).
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
}
