using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Integration.Tests.Processes;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Npgsql;
using Xunit.Abstractions;

namespace KpuOrleans.Integration.Tests;

/// <summary>
/// Issue 14, through a real cluster (PostgreSQL, a silo process, a gateway process): poisoned forms sent among a flood
/// of honest ones hurt nobody else, and a commit PostgreSQL leaves unanswered is reported as an unknown outcome that
/// a resend settles.
/// </summary>
[Collection(CrashCollection.Name)]
public class PoisonedFormsTests(PoisonedFormsTests.Cluster fixture, ITestOutputHelper output) : IClassFixture<PoisonedFormsTests.Cluster>
{
    private const string Contest = "PGUB-35";

    /// <summary>One cluster for the class, on the shared server (a database of its own): nothing here kills PostgreSQL.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        public LocalCluster Processes { get; } = new(PostgresServer.Shared, silos: 1);

        public async Task InitializeAsync()
        {
            await Processes.CreateDatabaseAsync();
            await Processes.StartAsync();
        }

        public async Task DisposeAsync() => await Processes.DisposeAsync();
    }

    private LocalCluster ClusterProcesses => fixture.Processes;

    [Fact]
    public async Task A_thousand_honest_forms_are_201_beside_twenty_poisoned_ones_which_are_4xx_naming_the_field()
    {
        var random = new Random(14);
        var stations = Jatim.Registry.TpsUnder("35.78").Take(1020).ToList();
        var honest = stations.Take(1000).Select(t => SampleForms.Valid(t, Jatim.Registry.FindContest(Contest)!, random)).ToList();
        var sends = honest.Select(f => new Send(ApiJson.Form(f), ClusterProcesses.Officers.For(f), null, f)).ToList();
        var poisons = new (string Field, Action<JsonObject> Poison)[]
        {
            ("reason", f => f["reason"] = "recount\0"),
            ("reason", f => f["reason"] = "line\u001b[2J"),
            ("tps", f => f["tps"] = f["tps"]!.GetValue<string>() + "\0"),
            ("contest", f => f["contest"] = "PGUB-35\u0085"),
            ("votes.2\0", f => Rename(f["votes"]!.AsObject(), "2", "2\0")),
            ("photoSha256", f => f["photoSha256"] = new string('b', 63) + "\u007f"),
            ("photoSha256", f => f["photoSha256"] = "\0" + new string('c', 63)),
            ("reason", f => f["reason"] = "\u0007bell"),
            ("votes.1\u0001", f => Rename(f["votes"]!.AsObject(), "1", "1\u0001")),
            ("reason", f => f["reason"] = "\u009b31m"),
        };
        foreach (var (station, i) in stations.Skip(1000).Select((s, i) => (s, i)))
        {
            var form = SampleForms.Valid(station, Jatim.Registry.FindContest(Contest)!, random);
            var json = ApiJson.Form(form);
            if (i < 19)
            {
                var (field, poison) = poisons[i % poisons.Length];
                poison(json);
                sends.Add(new Send(json, ClusterProcesses.Officers.For(form), field, null));
            }
            else
            {
                // A valid form whose token's sub (it would become submitted_by) holds a NUL.
                sends.Add(new Send(json, OfficerToken.Mint(LocalCluster.SigningKey, "kpps\0mallory", form.Tps, "kpps", TimeSpan.FromHours(1)), "sub", null));
            }
        }

        var answers = new System.Collections.Concurrent.ConcurrentBag<(Send Send, HttpStatusCode Status, string Body)>();
        await Parallel.ForEachAsync(sends.OrderBy(_ => random.Next()).ToList(), new ParallelOptions { MaxDegreeOfParallelism = 48 }, async (send, _) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ClusterProcesses.GatewayAddress, "/api/v1/results"))
            {
                Content = JsonContent.Create(send.Json),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", send.Token);
            using var response = await ClusterProcesses.Http.SendAsync(request);
            answers.Add((send, response.StatusCode, await response.Content.ReadAsStringAsync()));
        });

        var wrong = new List<string>();
        foreach (var (send, status, body) in answers)
        {
            if (send.Honest is not null && status != HttpStatusCode.Created) wrong.Add($"honest {send.Honest.Tps}: {(int)status} {body}");
            if (send.Field is not { } field) continue;
            using var problem = JsonDocument.Parse(body);
            var named = field == "sub"
                ? status == HttpStatusCode.Forbidden && problem.RootElement.GetProperty("detail").GetString()!.Contains("'sub'")
                : status == HttpStatusCode.UnprocessableEntity && problem.RootElement.GetProperty("errors").TryGetProperty(field, out _);
            if (!named) wrong.Add($"poisoned {field}: {(int)status} {body}");
        }
        output.WriteLine($"{answers.Count} answers: {answers.Count(a => a.Status == HttpStatusCode.Created)} × 201, {answers.Count(a => a.Status == HttpStatusCode.UnprocessableEntity)} × 422, {answers.Count(a => a.Status == HttpStatusCode.Forbidden)} × 403");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(10)));
        Assert.Equal(sends.Count, answers.Count);

        var stored = await LedgerRowsAsync("35.78.");
        Assert.Equal(honest.Select(f => $"{f.Tps} {f.Contest} v1").Order(StringComparer.Ordinal), stored);
    }

    [Fact]
    public async Task A_commit_held_past_its_deadline_is_503_outcome_unknown_and_the_same_form_sent_again_is_never_409()
    {
        // A test-only trigger, installed as the database owner: it stalls the COMMIT of a row whose reason is 'stall'.
        await ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS test_stall (on_ boolean);
            INSERT INTO test_stall VALUES (true);
            CREATE OR REPLACE FUNCTION test_stall_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.reason = 'stall' AND EXISTS (SELECT 1 FROM test_stall) THEN PERFORM pg_sleep(30); END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER test_stall_commit AFTER INSERT ON kpu_ledger DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION test_stall_commit();
            """);
        var station = Jatim.Registry.TpsUnder("35.79").First();
        var form = SampleForms.Valid(station, Jatim.Registry.FindContest(Contest)!, new Random(5)) with { Reason = "stall" };

        var (status, body, retryAfter) = await PostAsync(form);

        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status} {body}");
        using (var problem = JsonDocument.Parse(body))
        {
            Assert.Equal("https://kpu-orleans.id/problems/outcome-unknown", problem.RootElement.GetProperty("type").GetString());
            Assert.Equal("Outcome unknown", problem.RootElement.GetProperty("title").GetString());
            Assert.DoesNotContain("not accepted", problem.RootElement.GetProperty("detail").GetString());
        }
        Assert.True(retryAfter, "no Retry-After");

        await ExecuteAsync("DELETE FROM test_stall");
        var (again, againBody, _) = await PostAsync(form);
        var stored = await LedgerRowsAsync(station.Code);
        output.WriteLine($"after the unknown outcome: {(int)again}; ledger {string.Join(", ", stored)}");
        Assert.True(again is HttpStatusCode.Created or HttpStatusCode.OK, $"{(int)again} {againBody}");
        Assert.Equal([$"{station.Code} {Contest} v1"], stored);
    }

    private sealed record Send(JsonObject Json, string Token, string? Field, ResultForm? Honest);

    private static void Rename(JsonObject votes, string from, string to)
    {
        var count = votes[from]!.GetValue<long>();
        votes.Remove(from);
        votes[to] = count;
    }

    private async Task<(HttpStatusCode Status, string Body, bool RetryAfter)> PostAsync(ResultForm form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ClusterProcesses.GatewayAddress, "/api/v1/results"))
        {
            Content = JsonContent.Create(ApiJson.Form(form)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterProcesses.Officers.For(form));
        using var response = await ClusterProcesses.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.RetryAfter is not null);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ClusterProcesses.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> LedgerRowsAsync(string prefix)
    {
        await using var connection = new NpgsqlConnection(ClusterProcesses.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT tps, contest, version FROM kpu_ledger WHERE starts_with(tps, @prefix) ORDER BY tps, contest, version", connection);
        command.Parameters.AddWithValue("prefix", prefix);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add($"{reader.GetString(0)} {reader.GetString(1)} v{reader.GetInt32(2)}");
        return rows;
    }
}
