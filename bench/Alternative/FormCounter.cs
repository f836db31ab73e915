using System.Text.Json;
using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Gateway.Api;
using KpuOrleans.Registry;
using KpuOrleans.Tallies;
using Npgsql;

namespace KpuOrleans.Bench.Alternative;

/// <summary>
/// The conventional way to count a form: check it, then in one database transaction judge its version against what
/// is stored, store it, and add it (less the version it corrects) to the running totals of every region above it.
/// The database's row locks are the only coordination; the answer goes out once the transaction has committed.
/// </summary>
public sealed class FormCounter(NpgsqlDataSource database, RegionRegistry registry, ILogger<FormCounter> logger) : IFormDesk
{
    public async Task<FormAnswer> SubmitAsync(JsonElement json, CancellationToken cancellationToken)
    {
        var read = FormJson.Read(json);
        if (read.Form is not { } form) return FormAnswer.Malformed(read);
        var errors = FormRules.Validate(form, registry, read.Unreadable);
        if (!errors.IsEmpty) return Invalid(errors.ToDictionary());
        var contest = registry.FindContest(form.Contest)!;
        try
        {
            // Null means a concurrent request stored this version between our read and our insert; that row has
            // committed by the time the insert gives way, so judging once more settles it as a retry or a conflict.
            return await CountAsync(form, contest, cancellationToken)
                ?? await CountAsync(form, contest, cancellationToken)
                ?? throw new InvalidOperationException($"{form.Tps} {form.Contest} v{form.Version} is neither stored nor storable");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Counting {Tps} {Contest} v{Version} failed", form.Tps, form.Contest, form.Version);
            return FormAnswer.Problem(Problems.Create(503, "Storage unavailable",
                "The database could not take the form right now; it was not accepted. Retry later."));
        }
    }

    /// <returns>The answer, or null when the version was taken meanwhile (judge again).</returns>
    private async Task<FormAnswer?> CountAsync(ResultForm form, Contest contest, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var history = await FormRows.ReadHistoryAsync(connection, form.Tps, contest, cancellationToken);
        var current = history.Count == 0 ? null : history[^1];
        var currentVersion = current?.Form.Version ?? 0;
        if (form.Version != currentVersion + 1) return Judge(form, history, currentVersion, contest);

        var accepted = Accept(form);
        if (!await FormRows.InsertAsync(connection, accepted, contest, cancellationToken)) return null;
        // What this TPS now adds to each total above it: the new version, less the one it replaces.
        var change = FormTallies.Of(accepted, contest, FormEvidence.None).Tally; // the alternative keeps no photos or disputes
        if (current is not null) change = change.Minus(FormTallies.Of(current, contest, FormEvidence.None).Tally);
        await RunningTotals.AddAsync(connection, contest, RunningTotals.RowsOf(registry, form.Tps, contest), change,
            accepted.AcceptedAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new FormAnswer(StatusCodes.Status201Created, AcceptanceDto.From(accepted, contest));
    }

    /// <summary>A version already stored (a retry when identical, else a conflict) or one that is not next.</summary>
    private static FormAnswer Judge(ResultForm form, List<AcceptedForm> history, long current, Contest contest)
    {
        var earlier = history.Find(h => h.Form.Version == form.Version);
        if (earlier is not null && earlier.Form.SameContent(form)) return new FormAnswer(StatusCodes.Status200OK, AcceptanceDto.From(earlier, contest));
        var detail = earlier is not null
            ? $"Version {form.Version} of {form.Tps} {form.Contest} was already accepted with different content. A correction is version {current + 1}, with a reason."
            : $"The next version of {form.Tps} {form.Contest} is {current + 1}, not {form.Version}.";
        return FormAnswer.Problem(Problems.Create(409, "Version conflict", detail, extensions: [new("currentVersion", current)]));
    }

    /// <summary>A form accepted now, flagged as the gateway flags it.</summary>
    private static AcceptedForm Accept(ResultForm form)
    {
        var now = DateTimeOffset.UtcNow;
        // Microseconds, what PostgreSQL keeps, so that a retry's 200 repeats the 201's acceptedAt exactly.
        return new AcceptedForm(form, now.AddTicks(-(now.Ticks % 10)), FormRows.Submitter, Anomalies.Find(form));
    }

    private static FormAnswer Invalid(Dictionary<string, string[]> errors) =>
        FormAnswer.Problem(Problems.Create(422, "The form breaks the rules",
            $"The form breaks API.md's rules at {string.Join(", ", errors.Keys)}; nothing was stored or counted.", errors));
}
