using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Simulator.Sending;

/// <summary>A step of a race waiting to be sent, and how many times it has been (an unanswered form goes again).</summary>
internal sealed record PendingSubmission(TpsRace Race, Submission Step, int Attempt = 1);
