using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Bad input gets a specific problem+json and changes nothing. This class has its own, untouched system, so
/// "nothing changed" can be checked as "nothing at all is counted anywhere".
/// </summary>
public class RejectionTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private const string Tps = "35.78.01.1001.004";
    private static readonly ResultForm Good = SubmitTests.FormFor(Tps);

    public static TheoryData<string, string> BrokenRules => new()
    {
        { "rule 1: unknown TPS", "tps" },
        { "rule 1: contest does not cover the TPS", "contest" },
        { "rule 1: a ballot number is missing", "votes" },
        { "rule 2: a number above 100,000", "ballots.received" },
        { "rule 2: a negative number", "voted.dpk" },
        { "rule 2: a fraction", "invalid" },
        { "rule 3: registered differs from the DPT", "registered" },
        { "rule 4: more DPT voters than registered", "voted.dpt" },
        { "rule 5: votes do not add up to valid", "votes" },
        { "rule 6: valid + invalid differs from voters", "invalid" },
        { "rule 7: ballots do not add up", "ballots.received" },
        { "rule 8: version 0", "version" },
        { "rule 8: correction without a reason", "reason" },
        { "rule 9: a NUL in reason", "reason" },
        { "rule 9: an escape character in tps", "tps" },
        { "rule 9: a C1 control in contest", "contest" },
        { "rule 9: a NUL in a ballot number", "votes.1\0" },
        { "rule 9: DEL in photoSha256", "photoSha256" },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task A_form_breaking_a_rule_is_422_naming_the_field_and_changes_nothing(string rule, string field)
    {
        var (status, problem) = await host.SendAsync(HttpMethod.Post, "/api/v1/results", Break(rule));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(422, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        var errors = problem.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => e.Value);
        Assert.True(errors.ContainsKey(field), $"{rule}: errors name {string.Join(", ", errors.Keys)}, not {field}");
        // Rule 9 in tps or contest also breaks rule 1 there: both are named.
        Assert.All(errors[field].EnumerateArray(), message => Assert.NotEmpty(message.GetString()!));
        await AssertNothingCountedAsync();
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "not JSON", "{\"tps\": " },
        { "a JSON array", "[1, 2]" },
        { "a missing field", Without("valid") },
        { "a string where a number belongs", GoodJson().Replace("\"version\":1", "\"version\":\"1\"") },
        { "an object where a number belongs", GoodJson().Replace("\"valid\":", "\"valid\":{},\"x\":") },
        { "duplicate keys", GoodJson().Replace("\"version\":1", "\"version\":1,\"version\":2") },
        { "nesting too deep", new string('[', 100) + new string(']', 100) },
        { "an empty body", "" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_body_that_is_not_a_form_is_400_problem_json(string what, string body)
    {
        using var response = await host.CreateClient().PostAsync("/api/v1/results", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await GatewayHost.ReadBodyAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain("   at ", problem.ToString());
        await AssertNothingCountedAsync();
    }

    public static TheoryData<string, string> UnreadableText => new()
    {
        { "invalid UTF-8 bytes in a value", "tps" },
        { "an escaped unpaired surrogate in a value", "reason" },
        { "invalid UTF-8 bytes in a ballot number", "votes.(a field name)" },
        { "an unpaired surrogate in a batch item", "forms[1].contest" },
    };

    /// <summary>The parser lets these through and only fails when the string is read; they must be refused before anything is judged.</summary>
    [Theory]
    [MemberData(nameof(UnreadableText))]
    public async Task Text_that_is_not_valid_UTF_8_is_400_naming_where(string what, string field)
    {
        var good = Encoding.UTF8.GetBytes(GoodJson());
        byte[] body = what switch
        {
            "invalid UTF-8 bytes in a value" => Splice(good, $"\"{Tps}\"", [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"']),
            "an escaped unpaired surrogate in a value" => Encoding.UTF8.GetBytes(GoodJson().Replace("\"reason\":null", "\"reason\":\"ok\\ud800\"")),
            "invalid UTF-8 bytes in a ballot number" => Splice(good, "\"1\":", [(byte)'"', 0xC3, 0x28, (byte)'"', (byte)':']),
            _ => Encoding.UTF8.GetBytes($"{{\"forms\":[{GoodJson()},{GoodJson().Replace("\"PGUB-35\"", "\"\\ud800\"")}]}}"),
        };
        var path = field.StartsWith("forms", StringComparison.Ordinal) ? "/api/v1/results/batch" : "/api/v1/results";
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await host.CreateClient().PostAsync(path, content);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var problem = await GatewayHost.ReadBodyAsync(response);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{what}: {problem}");
        await AssertNothingCountedAsync();
    }

    private static byte[] Splice(byte[] json, string find, byte[] replacement)
    {
        var at = Encoding.UTF8.GetString(json).IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' is not in the form");
        return [.. json[..at], .. replacement, .. json[(at + Encoding.UTF8.GetByteCount(find))..]];
    }

    [Fact]
    public async Task A_missing_field_is_named_in_errors()
    {
        using var response = await host.CreateClient().PostAsync("/api/v1/results", new StringContent(Without("ballots"), Encoding.UTF8, "application/json"));
        var problem = await GatewayHost.ReadBodyAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("ballots", out _), problem.ToString());
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_413()
    {
        var form = GatewayHost.ToJson(Good);
        form["padding"] = new string(' ', 70 * 1024);
        var (status, problem) = await host.SendAsync(HttpMethod.Post, "/api/v1/results", form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        await AssertNothingCountedAsync();
    }

    [Fact]
    public async Task A_batch_over_8_MiB_is_413()
    {
        var batch = new JsonObject { ["forms"] = new JsonArray(), ["padding"] = new string(' ', 9 * 1024 * 1024) };
        var (status, _) = await host.SendAsync(HttpMethod.Post, "/api/v1/results/batch", batch);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task Unknown_routes_answer_problem_json()
    {
        using var response = await host.CreateClient().GetAsync("/api/v1/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task AssertNothingCountedAsync()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, $"/api/v1/tps/{Tps}/results/PGUB-35")).Status);
        foreach (var region in new[] { Tps, "35.78.01.1001", "35" })
        {
            var tally = await host.GetJsonAsync($"/api/v1/tally/PGUB-35/{region}");
            Assert.Equal(0, tally.GetProperty("tpsReported").GetInt32());
            Assert.Equal(0, tally.GetProperty("version").GetInt64());
            Assert.Equal(0, tally.GetProperty("valid").GetInt64());
        }
    }

    private static string GoodJson() => GatewayHost.ToJson(Good).ToJsonString();

    private static string Without(string field)
    {
        var form = GatewayHost.ToJson(Good);
        form.Remove(field);
        return form.ToJsonString();
    }

    private static JsonObject Break(string rule)
    {
        var form = GatewayHost.ToJson(Good);
        var voted = form["voted"]!.AsObject();
        var ballots = form["ballots"]!.AsObject();
        switch (rule)
        {
            case "rule 1: unknown TPS": form["tps"] = "35.78.01.1001.999"; break;
            case "rule 1: contest does not cover the TPS": form["contest"] = "PBUP-35.07"; break;
            case "rule 1: a ballot number is missing": form["votes"]!.AsObject().Remove("3"); break;
            case "rule 2: a number above 100,000": ballots["received"] = 100_001; break;
            case "rule 2: a negative number": voted["dpk"] = -1; break;
            case "rule 2: a fraction": form["invalid"] = JsonValue.Create(4.5m); break;
            case "rule 3: registered differs from the DPT": form["registered"] = Good.Registered + 1; break;
            case "rule 4: more DPT voters than registered":
                // Every other rule still holds: all ballots went to DPT voters, one more than registered.
                var voters = Good.Registered + 1;
                voted["dpt"] = voters; voted["dptb"] = 0; voted["dpk"] = 0;
                form["votes"] = new JsonObject { ["1"] = voters, ["2"] = 0, ["3"] = 0 };
                form["valid"] = voters; form["invalid"] = 0;
                ballots["received"] = voters; ballots["used"] = voters; ballots["spoiled"] = 0; ballots["unused"] = 0;
                break;
            case "rule 5: votes do not add up to valid": form["votes"]!["1"] = Good.Votes["1"] + 1; break;
            case "rule 6: valid + invalid differs from voters": form["invalid"] = Good.Invalid + 1; break;
            case "rule 7: ballots do not add up": ballots["unused"] = Good.Ballots.Unused + 1; break;
            case "rule 8: version 0": form["version"] = 0; break;
            case "rule 9: a NUL in reason": form["reason"] = "recount\0"; break;
            case "rule 9: an escape character in tps": form["tps"] = Tps + "\u001b"; break;
            case "rule 9: a C1 control in contest": form["contest"] = "PGUB-35\u0085"; break;
            case "rule 9: a NUL in a ballot number":
                var votes = form["votes"]!.AsObject();
                votes["1\0"] = votes["1"]!.GetValue<long>();
                votes.Remove("1");
                break;
            case "rule 9: DEL in photoSha256": form["photoSha256"] = new string('a', 63) + "\u007f"; break;
            case "rule 8: correction without a reason": form["version"] = 2; form["reason"] = null; break;
            default: throw new ArgumentException(rule);
        }
        return form;
    }
}
