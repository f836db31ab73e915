using KpuOrleans.Certification;
using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Live;
using KpuOrleans.Placement;
using KpuOrleans.Proofs;
using KpuOrleans.Registry;
using KpuOrleans.Regions;
using KpuOrleans.Tallies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KpuOrleans.Tps;

/// <summary>
/// A TPS keeps no state of its own: it is a cache of its rows in the ledger (<see cref="TpsHistory"/>), learnt lazily.
/// A form is answered only after its row is durable; its tally then travels up through the village.
/// </summary>
[DistrictPlacement]
public sealed class TpsGrain(
    ILedger ledger,
    IPhotoCatalogue photos,
    EvidenceReader evidence,
    RegionRegistry registry,
    IUpstream upstream,
    TimeProvider clock,
    IOptions<TallyOptions> options,
    IOptions<CorrectionOptions> corrections,
    ILogger<TpsGrain> logger) : Grain, ITpsGrain
{
    private readonly TpsHistory _history = new();
    private RegionInfo _tps = null!;
    private FlushSchedule _flush = null!;
    private TallyWatchers _watchers = null!;

    /// <summary>The read of every row in flight, shared by whoever needs it meanwhile.</summary>
    private Task? _reading;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tps = registry.Get(this.GetPrimaryKeyString());
        _watchers = new TallyWatchers(Snapshot, logger);
        _flush = _watchers.Schedule(this, options.Value.FlushInterval, ReportAsync, atOnceWhenIdle: clock);
        // Nothing is read here: nearly every form of the night is its TPS's first, and inserting it tells whether it
        // is. A village that lost a report of this TPS (a crash between the commit and the report) is healed by the
        // reconciliation pass, which compares it with the ledger.
        _history.Keep(ledger.Generation);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _flush.Stop();
        _watchers.Ending(_tps.Code);
        return _flush.FlushNowAsync();
    }

    public Task<SubmitOutcome> Submit(ResultForm form, string submittedBy, SubmitterRights rights)
    {
        var errors = FormRules.Validate(form, registry);
        return errors.IsEmpty ? SubmitJudged(form, submittedBy, rights) : Task.FromResult(SubmitOutcome.Invalid(errors));
    }

    public async Task<SubmitOutcome> SubmitJudged(ResultForm form, string submittedBy, SubmitterRights rights)
    {
        if (form.Tps != _tps.Code) throw new ArgumentException($"form for {form.Tps} sent to TPS grain {_tps.Code}");
        if (!FitsBallot(form)) return SubmitOutcome.Invalid(FormRules.Validate(form, registry));

        // Rows learnt before a failover may be gone from the ledger: judge against what it holds now. A 200 or 409 rests
        // on a row this grain holds, so the ledger is asked again before one is answered. A version 1 of a contest
        // not known here is judged by inserting it (TpsHistory).
        _history.Keep(ledger.Generation);
        var mustRead = _history.Knows(form.Contest) ? Judge(form) is not null : form.Version != 1;
        if (mustRead && !await TryReloadAsync())
            return SubmitOutcome.Unavailable("The result ledger is unavailable; nothing was accepted. Retry later.");
        if (_history.Knows(form.Contest) && Judge(form) is { } judged) return WithEvidence(judged);
        if (form.Version > 1 && rights != SubmitterRights.BeyondCorrectionLimit && OverLimit(form) is { } limited) return limited;
        if (CertificationRules.IsHeldBackByFreeze(form) && await FreezeAboveAsync(form.Contest) is { } freeze)
            return SubmitOutcome.Certified(form.Version - 1, CertificationRules.CorrectionRefused(freeze));

        // A retry answered from the ledger repeats the first answer exactly.
        var entry = new AcceptedForm(form, StoredTime.Microseconds(clock.GetUtcNow()), submittedBy, Anomalies.Find(form));
        var generation = ledger.Generation;
        AppendResult appended;
        try
        {
            appended = await ledger.AppendAsync(entry);
        }
        catch (LedgerUnavailableException e)
        {
            logger.LogWarning(e, "Ledger unavailable; form {Tps} {Contest} v{Version} was not written", form.Tps, form.Contest, form.Version);
            // Nothing was written, but a ledger that went away may come back as another server (a failover): start
            // afresh from it on the next call.
            DeactivateOnIdle();
            return SubmitOutcome.Unavailable("The result ledger is unavailable; nothing was accepted. Retry later.");
        }
        catch (LedgerOutcomeUnknownException e)
        {
            logger.LogWarning(e, "Ledger did not answer the commit of form {Tps} {Contest} v{Version}; it may or may not be stored", form.Tps, form.Contest, form.Version);
            // The row may have landed: only the ledger knows, so the next call reads it again before judging.
            DeactivateOnIdle();
            return SubmitOutcome.OutcomeUnknown("The result ledger did not confirm the form: it may or may not be stored. Send the same form again; if it was stored you get 200.");
        }
        catch (LedgerRowRefusedException e) when (e.SqlState == LedgerRowRefusedException.FrozenSqlState)
        {
            // Nothing was written and the history held here is still the ledger's: no reload.
            var frozen = await FreezeAboveAsync(form.Contest) ?? CertificationRules.FrozenInLedger(form);
            return SubmitOutcome.Certified(form.Version - 1, CertificationRules.CorrectionRefused(frozen));
        }
        catch (LedgerRowRefusedException e)
        {
            logger.LogWarning("Ledger refused form {Tps} {Contest} v{Version}: SQLSTATE {SqlState}", Escaped(form.Tps), Escaped(form.Contest), form.Version, e.SqlState);
            return SubmitOutcome.Refused(e.SqlState);
        }
        if (!appended.Appended)
        {
            // Someone else's write won (e.g. an earlier attempt whose answer was lost): judge against the ledger.
            await LoadAsync(replace: false);
            return WithEvidence(Judge(form) ?? throw new InvalidOperationException($"ledger holds {form.Tps} {form.Contest} v{form.Version} but it was not loaded"));
        }
        // What an insert proves belongs to the generation it was made in; a failover meanwhile makes the next call read.
        if (ledger.Generation == generation) _history.Stored(appended.Stored);
        else _history.Forget();
        await LearnEvidenceAsync(appended.Stored.Form);
        _flush.MarkChanged(form.Contest);
        if (appended.Stored.Anomalies.Count > 0)
            _ = GrainFactory.GetGrain<IAnomalyLogGrain>(registry.Root.Code).Record(AnomalyLogGrain.Of(appended.Stored));
        return WithEvidence(SubmitOutcome.Accepted(appended.Stored));
    }

    public async Task<bool> Settle(string contest)
    {
        await KnowAsync(contest);
        return _history.Latest(contest) is not null;
    }

    /// <summary>Why this TPS may not change the contest's form now (its freeze: CertificationRules.FreezingRegion); null when it may.</summary>
    private Task<string?> FreezeAboveAsync(string contest) =>
        GrainFactory.GetCertificationGrain(contest, CertificationRules.FreezingRegion(_tps, registry)).Blocks();

    public async Task<AcceptedForm[]> GetHistory(string contest)
    {
        await KnowAsync(contest);
        return [.. _history.Of(contest)];
    }

    public async Task<HistoryPage> GetHistoryPage(string contest, int limit, long? before)
    {
        await KnowAsync(contest);
        var history = _history.Of(contest);
        if (history.Count == 0) return new HistoryPage(null, [], false);
        var end = before is { } b ? history.FindIndex(h => h.Form.Version >= b) : -1;
        if (end < 0) end = history.Count;
        var start = Math.Max(0, end - Math.Max(0, limit));
        var page = history.GetRange(start, end - start);
        page.Reverse();
        return new HistoryPage(history[^1], [.. page], start > 0, await StoredPagesAsync([history[^1], .. page]));
    }

    /// <summary>Which of the forms' pages are stored now; null when the catalogue cannot say (the history is still answered).</summary>
    private async Task<string[]?> StoredPagesAsync(IEnumerable<AcceptedForm> forms)
    {
        var pages = forms.SelectMany(f => f.Form.Pages).ToHashSet(StringComparer.Ordinal);
        if (pages.Count == 0) return [];
        try
        {
            return [.. await photos.StoredAsync(pages)];
        }
        catch (LedgerUnavailableException)
        {
            return null;
        }
    }

    public async Task<TallySnapshot?> GetTally(string contest)
    {
        if (_tps.FindContest(contest) is null) return null;
        await KnowAsync(contest);
        return Snapshot(contest);
    }

    public async Task<TallySnapshot[]> GetTallies()
    {
        await KnowAsync(null);
        return [.. _tps.Contests.Select(c => Snapshot(c.Id))];
    }

    public Task<TallySnapshot[]> GetChildren(string contest) => Task.FromResult<TallySnapshot[]>([]);

    public async Task<ProofStep?> GetProofStep(string contest, string? digest)
    {
        if (_tps.FindContest(contest) is not { } race) return null;
        await KnowAsync(contest);
        if (_history.Latest(contest) is not { } latest) return null;
        // The village may hold an earlier version while a correction climbs; the newest is the likeliest.
        var counted = digest is null ? latest : _history.Of(contest).LastOrDefault(f => TallyDigest.OfForm(f.Form, race) == digest) ?? latest;
        var text = TallyDigest.FormText(counted.Form, race);
        return new ProofStep(_tps.Code, text, TallyDigest.Hash(text), counted.Form.Version, null, latest.Form.Version);
    }

    public async Task<TallySnapshot?> Watch(string contest, ILiveObserver observer)
    {
        if (_tps.FindContest(contest) is null) return null;
        await KnowAsync(contest);
        return _watchers.Watch(contest, observer);
    }

    public Task Unwatch(string contest, ILiveObserver observer)
    {
        _watchers.Unwatch(contest, observer);
        return Task.CompletedTask;
    }

    /// <summary>What this grain's tallies need of a form, whoever judged its rules: a contest of this TPS, and its ballot numbers exactly.</summary>
    private bool FitsBallot(ResultForm form) =>
        _tps.FindContest(form.Contest) is { } ballot && form.Votes.Count == ballot.Candidates.Count
        && ballot.Candidates.All(c => form.Votes.ContainsKey(c.Number));

    /// <summary>The answer for a version this TPS already holds or cannot take next; null when it is the next one.</summary>
    private SubmitOutcome? Judge(ResultForm form)
    {
        var history = _history.Of(form.Contest);
        long current = history.Count == 0 ? 0 : history[^1].Form.Version;
        if (form.Version == current + 1) return null;
        var earlier = history.Find(h => h.Form.Version == form.Version);
        if (earlier is not null && earlier.Form.SameContent(form)) return SubmitOutcome.Retry(earlier, current);
        return SubmitOutcome.Conflict(current, earlier is not null
            ? $"Version {form.Version} of {form.Tps} {form.Contest} was already accepted with different content. A correction is version {current + 1}, with a reason."
            : $"The next version of {form.Tps} {form.Contest} is {current + 1}, not {form.Version}.");
    }

    /// <summary>
    /// The correction limit of API.md's "Limits", judged here because this grain is the one place that sees every
    /// correction of its TPS, whichever gateway it came through.
    /// </summary>
    private SubmitOutcome? OverLimit(ResultForm form)
    {
        var limit = corrections.Value;
        if (CorrectionLimit.Wait(_history.Of(form.Contest), clock.GetUtcNow(), limit) is not { } wait) return null;
        // Debug only: a storm would flood the log; kpu_forms_rejected_total counts every refusal.
        logger.LogDebug("Correction of {Tps} {Contest} v{Version} refused: {Limit} corrections within {Window}", form.Tps, form.Contest, form.Version,
            limit.Limit, limit.Window);
        return SubmitOutcome.RateLimited(form.Version - 1, wait,
            $"TPS {form.Tps} took {limit.Limit} corrections of {form.Contest} within {limit.Window:g}, the limit per TPS and contest; " +
            $"the next fits in {CorrectionLimit.Seconds(wait)} s. KPU Provinsi may correct beyond it. Nothing was stored.");
    }

    /// <summary>
    /// The evidence of a form just stored: its disputes are those of the TPS and contest (none before a first form),
    /// and its pages are looked up. The form is durable already, so a catalogue that cannot answer does not fail it:
    /// its pages count as missing until a photo arrives or a reader re-reads them.
    /// </summary>
    private async Task LearnEvidenceAsync(ResultForm form)
    {
        var disputes = _history.EvidenceOf(form.Contest).Disputes;
        IReadOnlySet<string> stored = new HashSet<string>();
        if (form.Pages.Count > 0)
        {
            try
            {
                stored = await photos.StoredAsync(form.Pages);
            }
            catch (LedgerUnavailableException e)
            {
                logger.LogWarning(e, "TPS {Tps} {Contest} v{Version}: could not ask which of its pages are stored; they count as missing", _tps.Code, form.Contest, form.Version);
            }
        }
        _history.Learnt(form.Contest, FormEvidence.Of(form, stored, disputes));
    }

    /// <summary>
    /// The ledger keeps the flags of the numbers; the evidence's are true now and may clear later, so they are
    /// answered with the latest version (a first answer and its retries alike), never stored.
    /// </summary>
    private SubmitOutcome WithEvidence(SubmitOutcome outcome)
    {
        if (outcome.Form is not { } answered || !ReferenceEquals(_history.Latest(answered.Form.Contest), answered)) return outcome;
        var flags = _history.EvidenceOf(answered.Form.Contest).Flags().ToList();
        return flags.Count == 0 ? outcome : outcome with { Form = answered with { Anomalies = [.. answered.Anomalies, .. flags] } };
    }

    public async Task EvidenceChanged(string contest)
    {
        if (_tps.FindContest(contest) is null) return;
        await KnowAsync(contest);
        if (_history.Latest(contest) is not { } latest) return;
        var of = await evidence.OfAsync(_tps.Code, [latest.Form]);
        // A newer form learnt its own evidence meanwhile.
        if (!ReferenceEquals(_history.Latest(contest), latest)) return;
        if (_history.Learnt(contest, of(latest.Form))) _flush.MarkToTell(contest);
        // Reported even when nothing changed here: an activation that has just read its rows learnt the change in that
        // read, and the village may still hold what the activation before it reported. Awaited, unlike a form's
        // report: whoever told this TPS (an upload, a dispute) answers only once the village holds the change, so a
        // caller that saw an error sends again. The village ignores a report that is not newer.
        await upstream.SendAsync(_tps, [Snapshot(contest)]);
    }

    public async Task Reload()
    {
        var before = _history.Contests.ToDictionary(c => c, c => _history.Latest(c));
        await LoadAsync(replace: true);
        // Only what was held can have been lost: a contest learnt just now (its history read lazily) is news, not loss.
        foreach (var contest in before.Keys)
        {
            var now = _history.Latest(contest);
            if (SameRow(before.GetValueOrDefault(contest), now)) continue;
            logger.LogWarning("TPS {Tps} held {Contest} v{Held} but the ledger holds v{Now}: rows were lost (a database failover?)",
                _tps.Code, contest, before.GetValueOrDefault(contest)?.Form.Version ?? 0, now?.Form.Version ?? 0);
            // The village takes a lower version only when rebuilt; the reconciliation pass sees it ahead and does that.
            _flush.MarkChanged(contest);
        }
    }

    private async Task<bool> TryReloadAsync()
    {
        try
        {
            await Reload();
            return true;
        }
        catch (LedgerUnavailableException e)
        {
            logger.LogWarning(e, "Ledger unavailable; TPS {Tps} could not re-read its forms", _tps.Code);
            return false;
        }
    }

    private static bool SameRow(AcceptedForm? a, AcceptedForm? b) =>
        a is null ? b is null : b is not null && a.Form.Version == b.Form.Version && a.AcceptedAt == b.AcceptedAt && a.Form.SameContent(b.Form);

    /// <summary>Reads the TPS's rows unless <paramref name="contest"/> (every contest when null) is known already.</summary>
    private Task KnowAsync(string? contest)
    {
        _history.Keep(ledger.Generation);
        return (contest is null ? _history.IsComplete : _history.Knows(contest)) ? Task.CompletedTask : LoadAsync(replace: false);
    }

    private Task LoadAsync(bool replace)
    {
        // Readers interleave with a form in flight: they share one read, merged into what the form may have stored.
        if (!replace && _reading is { IsCompleted: false } reading) return reading;
        return _reading = ReadAsync(replace);
    }

    private async Task ReadAsync(bool replace)
    {
        // Taken before the rows: a failover during the read makes the next call read them again. A failed read
        // keeps what was held.
        var generation = ledger.Generation;
        var rows = await ledger.ReadTpsAsync(_tps.Code);
        var latest = rows.GroupBy(r => r.Form.Contest).Select(g => g.MaxBy(r => r.Form.Version)!).ToList();
        var of = latest.Count == 0 ? null : await evidence.OfAsync(_tps.Code, [.. latest.Select(r => r.Form)]);
        _history.Read(generation, rows, replace);
        foreach (var row in latest)
        {
            // A form stored while the read was on its way learnt its own evidence.
            if (_history.Latest(row.Form.Contest) is { } now && now.Form.Version == row.Form.Version) _history.Learnt(row.Form.Contest, of!(row.Form));
        }
    }

    /// <summary>Control characters as <c>\uXXXX</c>: a log line stays one line whatever a form held.</summary>
    private static string Escaped(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private TallySnapshot Snapshot(string contest) => _history.Snapshot(_tps.Code, _tps.FindContest(contest)!);

    /// <summary>One-way: a lost report is healed by the reconciliation pass, so the TPS never waits for its village.</summary>
    private Task ReportAsync(IReadOnlyCollection<string> contests) =>
        upstream.TellAsync(_tps, [.. contests.Select(Snapshot)]);
}
