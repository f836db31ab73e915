using Microsoft.Extensions.Options;

namespace KpuOrleans.Postgres;

/// <summary>Configuration section <c>Ledger</c>.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>
    /// What Npgsql may take after a deadline to have PostgreSQL cancel the statement (its <c>Cancellation Timeout</c>,
    /// 2 s by default) before it drops the connection: an append can be answered that much after its deadline.
    /// </summary>
    public static readonly TimeSpan CancellationGrace = TimeSpan.FromSeconds(2);

    /// <summary>The values of <c>synchronous_commit</c> that wait for the WAL to be flushed (and, with a synchronous standby, to reach it).</summary>
    public static readonly IReadOnlyList<string> DurableCommits = ["on", "remote_write", "remote_apply"];

    /// <summary>The most forms one transaction takes.</summary>
    public int MaxBatch { get; set; } = 500;

    /// <summary>Transactions in flight at once: while one commits, the next batch gathers.</summary>
    public int Writers { get; set; } = 4;

    /// <summary>
    /// Gathered reads in flight at once, of each kind (a TPS's rows; the latest forms below a region), each one for every
    /// reader waiting, up to <see cref="MaxBatch"/>.
    /// </summary>
    public int Readers { get; set; } = 2;

    /// <summary>Forms waiting for a writer at most; one more is answered unavailable at once (nothing written).</summary>
    public int MaxQueue { get; set; } = 10_000;

    /// <summary>
    /// How long a form may wait for a writer. One that waited longer is answered unavailable without being sent, which
    /// is then true: it was never written.
    /// </summary>
    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one batch may take from opening its connection to the answer of its COMMIT, splits included. With
    /// <see cref="QueueTimeout"/> and <see cref="CancellationGrace"/> it stays inside the grain call's 10 s (2 + 4 + 2 = 8 s,
    /// leaving 2 s for the TPS grain's own reads), so the ledger answers before the caller gives up on it: the caller
    /// never says "not stored" about a row that is still on its way.
    /// </summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>The ledger transaction's <c>synchronous_commit</c>; only values in <see cref="DurableCommits"/>.</summary>
    public string SynchronousCommit { get; set; } = "on";

    /// <summary>Why these options cannot run, or null: checked at start-up.</summary>
    public string? Problem()
    {
        if (!DurableCommits.Contains(SynchronousCommit))
            return $"Ledger:SynchronousCommit must be one of {string.Join(", ", DurableCommits)} (it is '{SynchronousCommit}'): an acknowledged form must be durable";
        if (MaxBatch < 1 || Writers < 1 || Readers < 1 || MaxQueue < 1) return "Ledger:MaxBatch, Writers, Readers and MaxQueue must be at least 1";
        if (QueueTimeout <= TimeSpan.Zero || CommitTimeout <= TimeSpan.Zero) return "Ledger:QueueTimeout and Ledger:CommitTimeout must be positive";
        var longest = QueueTimeout + CommitTimeout + CancellationGrace;
        if (longest >= GrainCalls.Deadline)
            return $"Ledger:QueueTimeout + Ledger:CommitTimeout + {CancellationGrace.TotalSeconds:0} s must stay under the {GrainCalls.Deadline.TotalSeconds:0} s grain-call deadline (it is {longest.TotalSeconds:0.#} s)";
        return null;
    }
}

/// <summary>Refuses, at start-up, ledger options that would lose acknowledged forms or answer after the caller gave up.</summary>
public sealed class LedgerOptionsCheck : IValidateOptions<LedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
