using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Postgres;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// Issue 14: a row PostgreSQL refuses fails alone, never its batch; a commit that outlives its deadline is reported as
/// an unknown outcome, never as "nothing was stored". The rows here bypass the form rules on purpose: they are what the
/// rules might one day miss.
/// </summary>
public class LedgerIsolationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;

    public async Task InitializeAsync()
    {
        _database = NpgsqlDataSource.Create(await PostgresServer.Shared.CreateDatabaseAsync());
        await Migrations.ApplyAsync(_database, NullLogger.Instance);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Rows_PostgreSQL_refuses_fail_alone_and_every_good_row_beside_them_commits()
    {
        await using var ledger = Ledger(new LedgerOptions());
        var stations = Jatim.Registry.TpsUnder("35.78").Take(1200).ToList();
        // Every 40th row holds text PostgreSQL cannot store (a NUL in text, a \u0000 escape in jsonb), in every text column.
        var poisons = new Func<AcceptedForm, AcceptedForm>[]
        {
            f => f with { Form = f.Form with { Reason = "recount\0" } },
            f => f with { SubmittedBy = "kpps\0-1" },
            f => f with { Form = f.Form with { PhotoSha256 = new string('a', 63) + "\0" } },
            f => f with { Form = f.Form with { Votes = f.Form.Votes.ToDictionary(v => v.Key == "1" ? "1\0" : v.Key, v => v.Value) } },
            f => f with { Anomalies = ["correction\0"] },
        };
        var rows = stations.Select((t, i) =>
        {
            var row = new AcceptedForm(Form(t.Code), DateTimeOffset.UtcNow, "kpps", []);
            return i % 40 == 7 ? poisons[i / 40 % poisons.Length](row) : row;
        }).ToList();
        var bad = rows.Where((_, i) => i % 40 == 7).Select(r => r.Form.Tps).ToHashSet();

        // Connections opened and code compiled before the burst, as on a silo that has been running.
        await Task.WhenAll(Jatim.Registry.TpsUnder("35.79").Take(200).Select(t => ledger.AppendAsync(new AcceptedForm(Form(t.Code), DateTimeOffset.UtcNow, "kpps", []))));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answers = await Task.WhenAll(rows.Select(async row =>
        {
            try
            {
                return (row.Form.Tps, Appended: (await ledger.AppendAsync(row)).Appended, SqlState: (string?)null);
            }
            catch (LedgerRowRefusedException e)
            {
                return (row.Form.Tps, Appended: false, SqlState: e.SqlState);
            }
        }));

        output.WriteLine($"{rows.Count} rows, {bad.Count} refused by PostgreSQL, answered in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(30, bad.Count);
        Assert.All(answers.Where(a => !bad.Contains(a.Tps)), a => Assert.True(a.Appended, $"{a.Tps} was not appended"));
        Assert.All(answers.Where(a => bad.Contains(a.Tps)), a => Assert.True(a.SqlState is ['2', '2' or '3', ..], $"{a.Tps}: {a.SqlState}"));
        var stored = (await TpsInLedgerAsync()).Where(t => t.StartsWith("35.78.", StringComparison.Ordinal));
        Assert.Equal(rows.Select(r => r.Form.Tps).Where(t => !bad.Contains(t)).Order(StringComparer.Ordinal), stored);
    }

    [Fact]
    public async Task A_commit_left_unanswered_past_its_deadline_is_an_unknown_outcome_and_the_same_row_can_be_sent_again()
    {
        // A test-only deferred trigger: it runs inside COMMIT, and stalls it for the marked row as a dying disk would.
        await ExecuteAsync("""
            CREATE FUNCTION test_stall_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.reason = 'stall' AND EXISTS (SELECT 1 FROM test_stall) THEN PERFORM pg_sleep(30); END IF;
                RETURN NULL;
            END $$;
            CREATE TABLE test_stall (on_ boolean);
            INSERT INTO test_stall VALUES (true);
            CREATE CONSTRAINT TRIGGER test_stall_commit AFTER INSERT ON kpu_ledger DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION test_stall_commit();
            """);
        await using var ledger = Ledger(new LedgerOptions { CommitTimeout = TimeSpan.FromSeconds(1) });
        var row = new AcceptedForm(Form("35.79.01.1001.001") with { Reason = "stall" }, DateTimeOffset.UtcNow, "kpps", []);

        await Assert.ThrowsAsync<LedgerOutcomeUnknownException>(() => ledger.AppendAsync(row));

        await ExecuteAsync("DELETE FROM test_stall");
        var again = await ledger.AppendAsync(row);
        Assert.True(again.Stored.Form.SameContent(row.Form));
        Assert.Equal(["35.79.01.1001.001"], await TpsInLedgerAsync());
    }

    [Fact]
    public async Task Forms_held_before_their_commit_or_beyond_the_queue_are_unavailable_and_truly_not_written()
    {
        await using var ledger = Ledger(new LedgerOptions
        {
            Writers = 1, MaxBatch = 1, MaxQueue = 3, QueueTimeout = TimeSpan.FromSeconds(1), CommitTimeout = TimeSpan.FromSeconds(1),
        });
        var rows = Jatim.Registry.TpsUnder("35.79").Take(10).Select(t => new AcceptedForm(Form(t.Code), DateTimeOffset.UtcNow, "kpps", [])).ToList();
        var answers = new List<Task<AppendResult>>();
        var refusedAtOnce = 0;
        await using (var connection = await _database.OpenConnectionAsync())
        await using (var holder = await connection.BeginTransactionAsync())
        {
            // The writer's INSERT waits on this lock past its deadline, before any COMMIT is sent.
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE kpu_ledger IN EXCLUSIVE MODE", connection, holder))
                await lockTable.ExecuteNonQueryAsync();
            foreach (var row in rows)
            {
                try
                {
                    answers.Add(ledger.AppendAsync(row));
                }
                catch (LedgerUnavailableException)
                {
                    refusedAtOnce++;
                }
            }
            foreach (var answer in answers) await Assert.ThrowsAsync<LedgerUnavailableException>(() => answer);
        }

        // One in the writer, three in the queue: the rest found it full.
        Assert.True(refusedAtOnce >= rows.Count - 4, $"{refusedAtOnce} refused at once");
        Assert.Empty(await TpsInLedgerAsync());
        Assert.True((await ledger.AppendAsync(rows[0])).Appended);
    }

    [Fact]
    public void Options_that_lose_durability_or_outlast_the_grain_call_are_refused()
    {
        Assert.Null(new LedgerOptions().Problem());
        Assert.Null(new LedgerOptions { SynchronousCommit = "remote_apply" }.Problem());
        Assert.Contains("Ledger:SynchronousCommit", new LedgerOptions { SynchronousCommit = "off" }.Problem());
        Assert.Contains("Ledger:SynchronousCommit", new LedgerOptions { SynchronousCommit = "local" }.Problem());
        Assert.Contains("grain-call deadline", new LedgerOptions { CommitTimeout = TimeSpan.FromSeconds(15) }.Problem());
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private PostgresLedger Ledger(LedgerOptions options) =>
        new(_database, Options.Create(options), NullLogger<PostgresLedger>.Instance);

    private async Task<List<string>> TpsInLedgerAsync()
    {
        await using var command = _database.CreateCommand("SELECT tps FROM kpu_ledger ORDER BY tps COLLATE \"C\"");
        await using var reader = await command.ExecuteReaderAsync();
        var tps = new List<string>();
        while (await reader.ReadAsync()) tps.Add(reader.GetString(0));
        return tps;
    }

    private static ResultForm Form(string tps) =>
        SampleForms.Valid(Jatim.Registry.Get(tps), Jatim.Registry.FindContest("PGUB-35")!, new Random(tps.GetHashCode()));
}
