using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Simulator.Sending;

/// <summary>How the sender sends: workers in parallel, forms per request (1: one form per POST), attempts per form.</summary>
internal sealed record SenderSettings(int Concurrency, int Batch, int Attempts, TimeSpan Backoff);

/// <summary>
/// The TPS officers' side: workers take due submissions, post them (alone or as a batch), and judge every answer against
/// what API.md prescribes for its kind. Accepted forms are recorded on their race for the final recount; an unanswered
/// form (no answer, 5xx) is sent again, as a real client would, so that its fate becomes known. A 429 never gets here:
/// the client waits it out and sends again without spending one of the form's attempts.
/// </summary>
internal sealed class Sender(ResultsClient client, SubmissionQueue queue, RunStats stats, SenderSettings settings)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(() => WorkAsync(cancellationToken), cancellationToken)));
        stats.SendingDone();
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        var taken = new List<PendingSubmission>(settings.Batch);
        while (await queue.TakeAsync(taken, settings.Batch, cancellationToken))
        {
            stats.Sending(taken.Count);
            var reply = settings.Batch > 1
                ? await client.SubmitBatchAsync([.. taken.Select(p => p.Step.Form)], cancellationToken)
                : await client.SubmitAsync(taken[0].Step.Form, cancellationToken);
            for (var i = 0; i < taken.Count; i++) Judge(taken[i], reply.Answers[i], reply.RoundTrip);
            taken.Clear();
        }
    }

    private void Judge(PendingSubmission pending, Answer answer, TimeSpan latency)
    {
        var (race, step) = (pending.Race, pending.Step);
        stats.Answer(step.Kind, answer.Status, latency);
        var what = $"{step.Kind} v{step.Form.Version} {step.Form.Tps} {step.Form.Contest}";

        if (step.Counts && answer.Status is 0 or >= 500)
        {
            stats.Error(RunStats.StatusLabel(answer.Status), $"{RunStats.StatusLabel(answer.Status)} for {what} (attempt {pending.Attempt}): {answer.Detail}");
            if (pending.Attempt < settings.Attempts)
            {
                queue.Again(pending, settings.Backoff * pending.Attempt);
                return;
            }
            race.MarkUnresolved(step.Form);
            queue.Finish(race);
            return;
        }

        var expected = IsExpected(pending, answer.Status);
        if (step.Counts && answer.Status is 200 or 201 && answer.Acceptance is { } body)
        {
            // Accepted, whether or not this was the answer due: the server counts it, so the recount must too.
            if (!expected)
                stats.Error(RunStats.StatusLabel(answer.Status), $"{answer.Status} for {what}, expected {step.ExpectedStatus}");
            CheckBody(race, step, answer.Status, body, what);
            race.Record(new Acceptance(step.Form, body.AcceptedAt, body.Anomalies, DateTime.UtcNow));
            queue.Advance(race);
            return;
        }
        if (expected)
        {
            queue.Advance(race);
            return;
        }

        stats.Error(RunStats.StatusLabel(answer.Status), $"{RunStats.StatusLabel(answer.Status)} for {what}, expected {step.ExpectedStatus}: {answer.Detail}");
        // A first form or correction that was not accepted leaves nothing for the later steps to build on.
        if (step.Kind is SubmissionKind.First or SubmissionKind.Correction) queue.Finish(race);
        else queue.Advance(race);
    }

    /// <summary>
    /// What API.md prescribes: 201 for a new form (or 200 when it is sent again because the first answer got lost),
    /// 200 for a retry, 422 for a form that breaks a rule.
    /// </summary>
    private static bool IsExpected(PendingSubmission pending, int status) => pending.Step.Kind switch
    {
        SubmissionKind.First or SubmissionKind.Correction => status == 201 || (status == 200 && pending.Attempt > 1),
        SubmissionKind.Retry => status == 200,
        _ => status == 422,
    };

    /// <summary>The body must name the form sent; a 200 must repeat the first acceptance (same acceptedAt).</summary>
    private void CheckBody(TpsRace race, Submission step, int status, AcceptanceBody body, string what)
    {
        if (body.Tps != step.Form.Tps || body.Contest != step.Form.Contest || body.Version != step.Form.Version)
            stats.Error("wrong body", $"{status} for {what} names {body.Tps} {body.Contest} v{body.Version}");
        else if (status == 200 && race.AcceptedVersion(step.Form.Version) is { } original && original.AcceptedAt != body.AcceptedAt)
            stats.Error("wrong body", $"200 for {what} says acceptedAt {body.AcceptedAt:O}, the 201 said {original.AcceptedAt:O}");
    }
}
