using System.Diagnostics;
using KpuOrleans.Ledger;
using KpuOrleans.Tps;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace KpuOrleans.Ingest;

/// <summary>
/// Hands each form of a gateway's batch to its TPS grain, all at once, and answers when every one is settled.
/// Reentrant: it holds no state, and a batch spends its time waiting on TPS grains, which others' batches may share.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class IngestGrain(ILogger<IngestGrain> logger) : Grain, IIngestGrain
{
    /// <summary>
    /// How long one form may take before its receipt says "outcome unknown": inside the gateway's own deadline, so
    /// that one stalled TPS costs its own form an answer and not the whole batch its answers.
    /// </summary>
    public static readonly TimeSpan Budget = GrainCalls.Deadline - TimeSpan.FromSeconds(1);

    /// <summary>Pauses before sending again a call its silo refused while leaving: the cluster moves the grain meanwhile.</summary>
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(1000)];

    public const string NotActivated = "The cluster could not take the form right now; it was not accepted. Retry later.";

    public const string Unanswered = "The form's TPS did not answer in time: it may or may not be stored. Send the same form again; if it was stored you get 200.";

    public async Task<Receipt[]> Submit(Submission[] submissions)
    {
        // One budget for the whole batch, whose forms all start now: a timer per form showed in the silo's profile.
        using var budget = new CancellationTokenSource(Budget);
        var started = Stopwatch.GetTimestamp();
        return await Task.WhenAll(submissions.Select(submission => HandAsync(submission, started, budget.Token)));
    }

    private async Task<Receipt> HandAsync(Submission submission, long started, CancellationToken budget)
    {
        var form = submission.Form;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var outcome = await GrainFactory.GetGrain<ITpsGrain>(form.Tps).SubmitJudged(form, submission.SubmittedBy, submission.Rights).WaitAsync(budget);
                return Receipt.Of(outcome);
            }
            catch (LedgerUnavailableException e)
            {
                // Thrown by the TPS before any append (its activation could not read the ledger): nothing was written.
                logger.LogError(e, "Submission of {Tps} {Contest} v{Version} failed before reaching the ledger", form.Tps, form.Contest, form.Version);
                return Receipt.Unavailable(NotActivated);
            }
            catch (Exception e) when (e is SiloUnavailableException or OrleansMessageRejectionException
                && attempt < Backoff.Length && Stopwatch.GetElapsedTime(started) + Backoff[attempt] < Budget)
            {
                // Safe to send again, as a client's calls are (TransientCallRetry): a form carries its version.
                logger.LogInformation("Submission of {Tps} failed with {Error}; retrying in {Delay} ms", form.Tps, e.GetType().Name, Backoff[attempt].TotalMilliseconds);
                await Task.Delay(Backoff[attempt]);
            }
            catch (Exception e)
            {
                // A call that timed out or lost its silo may have been judged and stored after all; only a resend tells.
                logger.LogError(e, "Submission of {Tps} {Contest} v{Version} got no answer; whether it was stored is unknown", form.Tps, form.Contest, form.Version);
                return Receipt.OutcomeUnknown(Unanswered);
            }
        }
    }
}
