namespace KpuOrleans.Verifier.Evidence;

/// <summary>
/// The evidence could not be had or read: a missing file, a file not of the documented shape, an API that does not
/// answer. Nothing is known about the count then, so it is not a difference (exit code 2, not 1).
/// </summary>
public sealed class EvidenceException(string message, Exception? inner = null) : Exception(message, inner);
