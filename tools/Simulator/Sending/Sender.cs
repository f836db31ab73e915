using KpuOrleans.Simulator.Photos;
using KpuOrleans.Simulator.Script;

namespace KpuOrleans.Simulator.Sending;

/// <summary>How the sender sends: workers in parallel, forms per request (1: one form per POST), attempts per form.</summary>
internal sealed record SenderSettings(int Concurrency, int Batch, int Attempts, TimeSpan Backoff);

/// <summary>
/// The TPS officers' side: workers take due submissions, post them (alone or as a batch), and judge every answer against
/// what API.md prescribes for its kind. Accepted forms are recorded on their race for the final recount; an unanswered
/// form (no answer, 5xx) is sent again, as a real client would, so that its fate becomes known. A 429 never gets here:
/// the client waits it out and sends again without spending one of the form's attempts.
/// A form citing photos has its pages uploaded first (or, late ones, by a later step); a dispute step files its report.
/// </summary>
internal sealed class Sender(ResultsClient client, SubmissionQueue queue, RunStats stats, SenderSettings settings,
    PhotoUploader? photos = null, DisputeFiler? disputes = null)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(() => WorkAsync(cancellationToken), cancellationToken)));
        stats.SendingDone();
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        var taken = new List<PendingSubmission>(settings.Batch);
        var forms = new List<PendingSubmission>(settings.Batch);
        while (await queue.TakeAsync(taken, settings.Batch, cancellationToken))
        {
            foreach (var pending in taken)
            {
                if (pending.Step.PostsForm) forms.Add(pending);
                else await EvidenceAsync(pending, cancellationToken);
            }
            if (forms.Count > 0)
            {
                if (client.SignsForms && settings.Batch > 1)
                {
                    foreach (var office in ByProvince(forms)) await PostAsync(office, cancellationToken);
                }
                else await PostAsync(forms, cancellationToken);
            }
            forms.Clear();
            taken.Clear();
        }
    }

    /// <summary>
    /// A signed batch comes from one office, and no office writes forms for more than one province (KPU RI writes
    /// none): on the national registry the forms taken together are sent as one batch per province, in the order taken.
    /// </summary>
    internal static IEnumerable<List<PendingSubmission>> ByProvince(List<PendingSubmission> forms)
    {
        if (forms.Count < 2 || forms.All(f => SameProvince(f.Step.Form.Tps, forms[0].Step.Form.Tps)))
        {
            yield return forms;
            yield break;
        }
        foreach (var province in forms.GroupBy(f => ProvinceOf(f.Step.Form.Tps), StringComparer.Ordinal)) yield return [.. province];
    }

    /// <summary>The first segment: a broken code's claimed province, which is what its token is minted for.</summary>
    private static string ProvinceOf(string tps) => tps.IndexOf('.') is var dot and > 0 ? tps[..dot] : tps;

    private static bool SameProvince(string a, string b) => ProvinceOf(a) == ProvinceOf(b);

    private async Task PostAsync(List<PendingSubmission> forms, CancellationToken cancellationToken)
    {
        // Pages go up before their form unless they are late; a retry checks its pages are there (HEAD: nothing re-sent).
        foreach (var pending in forms)
        {
            if (photos is not null && pending.Step.Photos is { } pages && (!pages.Late || pending.Step.Kind == SubmissionKind.Retry))
                await photos.UploadAsync(pages, cancellationToken);
        }
        stats.Sending(forms.Count);
        var reply = settings.Batch > 1
            ? await client.SubmitBatchAsync([.. forms.Select(p => p.Step.Sent)], cancellationToken)
            : await client.SubmitAsync(forms[0].Step.Sent, cancellationToken);
        for (var i = 0; i < forms.Count; i++)
        {
            forms[i].Step.Photos?.Release();
            Judge(forms[i], reply.Answers[i], reply.RoundTrip);
        }
    }

    /// <summary>A late upload of a form's pages, or a citizen's dispute: each done in full here, then the race goes on.</summary>
    private async Task EvidenceAsync(PendingSubmission pending, CancellationToken cancellationToken)
    {
        var (race, step) = (pending.Race, pending.Step);
        if (step.Kind == SubmissionKind.Photos && photos is not null && step.Photos is { } pages)
            await photos.UploadAsync(pages, cancellationToken);
        else if (step.Kind == SubmissionKind.Dispute && disputes is not null && step.Dispute is { } report)
        {
            var (status, detail) = await disputes.FileAsync(step.Form.Tps, step.Form.Contest, report, cancellationToken);
            if (status is 200 or 201)
            {
                race.DisputeFiled();
                stats.DisputeFiled();
            }
            else
                stats.Error($"dispute {RunStats.StatusLabel(status)}",
                    $"{RunStats.StatusLabel(status)} for the dispute of {step.Form.Tps} {step.Form.Contest} ({report.Field}), expected 201: {detail}");
        }
        queue.Advance(race);
    }

    private void Judge(PendingSubmission pending, Answer answer, TimeSpan latency)
    {
        var (race, step) = (pending.Race, pending.Step);
        stats.Answer(step.Kind, answer.Status, latency);
        var what = $"{step.Kind} v{step.Form.Version} {step.Form.Tps} {step.Form.Contest}";
        var sent = step.Sent;

        if (step.Counts && answer.Status is 0 or >= 500)
        {
            stats.Error(RunStats.StatusLabel(answer.Status), $"{RunStats.StatusLabel(answer.Status)} for {what} (attempt {pending.Attempt}): {answer.Detail}");
            if (pending.Attempt < settings.Attempts)
            {
                queue.Again(pending, settings.Backoff * pending.Attempt);
                return;
            }
            race.MarkUnresolved(sent);
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
            race.Record(new Acceptance(sent, body.AcceptedAt, body.Anomalies, DateTime.UtcNow, step.Photos));
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
