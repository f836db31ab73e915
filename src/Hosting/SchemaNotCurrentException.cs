namespace KpuOrleans.Hosting;

/// <summary>The silo cannot run on this database until the owner migrates it; the message says what to do.</summary>
public sealed class SchemaNotCurrentException(string message, Exception inner) : Exception(message, inner);
