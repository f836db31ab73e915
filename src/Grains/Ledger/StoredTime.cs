namespace KpuOrleans.Ledger;

public static class StoredTime
{
    /// <summary>
    /// A time cut to what PostgreSQL keeps (microseconds), so that what is read back from the database equals what was
    /// answered when it was written.
    /// </summary>
    public static DateTimeOffset Microseconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % 10));
}
