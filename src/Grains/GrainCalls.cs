namespace KpuOrleans;

public static class GrainCalls
{
    /// <summary>
    /// How long a grain call may take before its caller gets an error (Orleans' default is 30 s): an officer waiting on
    /// a form hears 503 within seconds. Silos and clients are configured with it, and the ledger's queue and commit
    /// timeouts must fit inside it, so that a stalled commit is answered by us rather than by the call's deadline.
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
}
