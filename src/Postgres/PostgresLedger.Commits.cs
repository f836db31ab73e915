using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Telemetry;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace KpuOrleans.Postgres;

/// <summary>
/// Group commit. Three promises to the caller: a row PostgreSQL refuses as data fails alone (its batch is split until
/// only it is left); a form is answered "unavailable" only when it was certainly not written; and every answer comes
/// within <see cref="LedgerOptions.QueueTimeout"/> + <see cref="LedgerOptions.CommitTimeout"/> (+ Npgsql's cancellation
/// grace), inside the grain call's deadline, so that the officer hears the ledger's answer rather than a timeout.
/// </summary>
public sealed partial class PostgresLedger
{
    private readonly Channel<Pending> _queue;

    public Task<AppendResult> AppendAsync(AcceptedForm entry, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(entry, Stopwatch.GetTimestamp(), new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
            throw new LedgerUnavailableException("The result ledger's queue is full (or it is shutting down); the form was not sent.");
        return pending.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_options.MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatch && _queue.Reader.TryRead(out var pending))
            {
                if (Stopwatch.GetElapsedTime(pending.Queued) <= _options.QueueTimeout) batch.Add(pending);
                else pending.Done.TrySetException(new LedgerUnavailableException("The form waited too long for the result ledger; it was not sent."));
            }
            if (batch.Count == 0) continue;
            var started = Stopwatch.GetTimestamp();
            using var deadline = new CancellationTokenSource(_options.CommitTimeout);
            await CommitAsync(batch, deadline.Token);
            KpuMetrics.LedgerCommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            KpuMetrics.LedgerBatchSize.Record(batch.Count);
        }
    }

    /// <summary>Commits <paramref name="batch"/> and answers every form in it; never throws.</summary>
    private async Task CommitAsync(List<Pending> batch, CancellationToken deadline)
    {
        if (deadline.IsCancellationRequested)
        {
            Fail(batch, new LedgerUnavailableException("The result ledger did not take the form in time; it was not sent."));
            return;
        }
        var commit = new CommitProgress();
        try
        {
            var results = await WriteBatchAsync(batch, commit, deadline);
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
        }
        catch (PostgresException e) when (IsDataError(e.SqlState))
        {
            // The whole transaction rolled back: nothing of it is stored, so each half can be tried on its own. The
            // halves go side by side, so that finding the bad rows takes as many round trips as halvings (9 for 500
            // forms), not as many as transactions, and fits the batch's deadline.
            if (batch.Count == 1)
            {
                Refuse(batch[0], e);
                return;
            }
            var half = batch.Count / 2;
            await Task.WhenAll(CommitAsync(batch.GetRange(0, half), deadline), CommitAsync(batch.GetRange(half, batch.Count - half), deadline));
        }
        catch (Exception e) when (commit.Sent && e is not PostgresException)
        {
            // A COMMIT that got an error answer did not happen; one that got no answer (deadline, lost connection) may have.
            _logger.LogWarning(e, "Ledger batch of {Count} forms: the commit was sent but not answered; whether it was stored is unknown until the ledger is read", batch.Count);
            Fail(batch, new LedgerOutcomeUnknownException("The result ledger did not answer the commit of the form; it may or may not be stored.", e));
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Ledger batch of {Count} forms failed before its commit; none of them was written", batch.Count);
            Fail(batch, e as LedgerUnavailableException ?? new LedgerUnavailableException("The result ledger could not take the form; it was not written.", e));
        }
    }

    /// <summary>Class 22 (data exception) and 23 (integrity constraint violation): about the rows, not the database.</summary>
    private static bool IsDataError(string sqlState) => sqlState.StartsWith("22", StringComparison.Ordinal) || sqlState.StartsWith("23", StringComparison.Ordinal);

    private void Refuse(Pending pending, PostgresException e)
    {
        var form = pending.Entry.Form;
        // The row's text may be what PostgreSQL choked on (a NUL, a control character): only its escaped key is logged.
        _logger.LogWarning("Ledger refused form {Tps} {Contest} v{Version}: SQLSTATE {SqlState} {Message}",
            Printable(form.Tps), Printable(form.Contest), form.Version, e.SqlState, Printable(e.MessageText));
        pending.Done.TrySetException(new LedgerRowRefusedException(e.SqlState, $"The result ledger refused the form (SQLSTATE {e.SqlState}).", e));
    }

    private static void Fail(List<Pending> batch, Exception exception)
    {
        foreach (var pending in batch) pending.Done.TrySetException(exception);
    }

    /// <summary>Control characters as <c>\uXXXX</c>, so that a log line is one line and holds what was sent.</summary>
    internal static string Printable(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var printable = new StringBuilder(text.Length + 8);
        foreach (var c in text) printable.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        return printable.ToString();
    }

    private async Task<AppendResult[]> WriteBatchAsync(List<Pending> batch, CommitProgress commit, CancellationToken deadline)
    {
        await using var connection = await OpenAsync(deadline);
        await using var transaction = await connection.BeginTransactionAsync(deadline);
        var forms = batch.Select(p => p.Entry).ToList();
        var inserted = new HashSet<(string, string, long)>();
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO kpu_ledger ({Columns})
            SELECT u.tps, u.contest, u.version, u.registered, u.dpt, u.dptb, u.dpk, u.received, u.used, u.spoiled, u.unused,
                u.votes, u.valid, u.invalid, u.reason, u.photo, u.anomalies, u.by, u.at, string_to_array(u.pages, ' ')
            FROM unnest(@tps::text[], @contest::text[], @version::int[], @registered::int[], @dpt::int[], @dptb::int[], @dpk::int[],
                @received::int[], @used::int[], @spoiled::int[], @unused::int[], @votes::jsonb[], @valid::int[], @invalid::int[],
                @reason::text[], @photo::text[], @anomalies::jsonb[], @by::text[], @at::timestamptz[], @pages::text[])
                AS u(tps, contest, version, registered, dpt, dptb, dpk, received, used, spoiled, unused, votes, valid, invalid,
                     reason, photo, anomalies, by, at, pages)
            ON CONFLICT (tps, contest, version) DO NOTHING
            RETURNING tps, contest, version
            """, connection, transaction))
        {
            void Add<T>(string name, Func<AcceptedForm, T> value) => insert.Parameters.AddWithValue(name, forms.Select(value).ToArray());
            Add("tps", f => f.Form.Tps);
            Add("contest", f => f.Form.Contest);
            Add("version", f => (int)f.Form.Version);
            Add("registered", f => (int)f.Form.Registered);
            Add("dpt", f => (int)f.Form.Voted.Dpt);
            Add("dptb", f => (int)f.Form.Voted.Dptb);
            Add("dpk", f => (int)f.Form.Voted.Dpk);
            Add("received", f => (int)f.Form.Ballots.Received);
            Add("used", f => (int)f.Form.Ballots.Used);
            Add("spoiled", f => (int)f.Form.Ballots.Spoiled);
            Add("unused", f => (int)f.Form.Ballots.Unused);
            Add("votes", f => JsonSerializer.Serialize(f.Form.Votes));
            Add("valid", f => (int)f.Form.Valid);
            Add("invalid", f => (int)f.Form.Invalid);
            insert.Parameters.Add(new NpgsqlParameter("reason", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = forms.Select(f => (object?)f.Form.Reason ?? DBNull.Value).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter("photo", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = forms.Select(f => (object?)f.Form.PhotoSha256 ?? DBNull.Value).ToArray() });
            // One text per row (arrays of arrays must be rectangular in PostgreSQL): the pages, space-separated.
            insert.Parameters.Add(new NpgsqlParameter("pages", NpgsqlDbType.Array | NpgsqlDbType.Text)
            {
                Value = forms.Select(f => f.Form.Pages.Count == 0 ? DBNull.Value : (object)string.Join(' ', f.Form.Pages)).ToArray(),
            });
            Add("anomalies", f => JsonSerializer.Serialize(f.Anomalies));
            Add("by", f => f.SubmittedBy);
            Add("at", f => f.AcceptedAt.UtcDateTime);
            await using var reader = await insert.ExecuteReaderAsync(deadline);
            while (await reader.ReadAsync(deadline)) inserted.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        var results = new AppendResult[batch.Count];
        for (var i = 0; i < forms.Count; i++)
        {
            var form = forms[i].Form;
            if (inserted.Remove((form.Tps, form.Contest, form.Version))) results[i] = new AppendResult(true, forms[i]);
        }
        // Rows that were there already (a retry whose first answer was lost): hand back what the ledger holds.
        for (var i = 0; i < forms.Count; i++)
        {
            if (results[i] is not null) continue;
            var form = forms[i].Form;
            var stored = await QueryAsync(connection, transaction,
                $"SELECT {Columns} FROM kpu_ledger WHERE tps = @tps AND contest = @contest AND version = @version",
                command =>
                {
                    command.Parameters.AddWithValue("tps", form.Tps);
                    command.Parameters.AddWithValue("contest", form.Contest);
                    command.Parameters.AddWithValue("version", (int)form.Version);
                }, deadline);
            results[i] = new AppendResult(false, stored.Single());
        }
        commit.Sent = true;
        await transaction.CommitAsync(deadline);
        return results;
    }

    /// <summary>Whether the COMMIT has gone out: from then on a failure without an answer leaves the outcome unknown.</summary>
    private sealed class CommitProgress
    {
        public bool Sent { get; set; }
    }

    private sealed record Pending(AcceptedForm Entry, long Queued, TaskCompletionSource<AppendResult> Done);
}
