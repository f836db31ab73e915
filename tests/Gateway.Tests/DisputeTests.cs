using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// API.md "Disputes" over HTTP on the embedded gateway (writers do not authenticate, rate limits off: the dispute limit
/// holds anyway). The host is shared by the class, so each test reports its own TPS, from client addresses of its own.
/// </summary>
public partial class DisputeTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private const string Governor = "PGUB-35";

    /// <summary>Built before any test sends: concurrent first uses of the factory would each build a server.</summary>
    private readonly HttpClient _client = host.CreateClient();

    /// <summary>TPS of one regency, test i reporting about Stations[i] (and its neighbours where it needs several).</summary>
    private static readonly RegionInfo[] Stations = [.. Jatim.Registry.TpsUnder("35.77").Take(40)];

    [Fact]
    public async Task A_report_is_opened_about_the_latest_version_and_the_same_address_gets_it_back_unchanged()
    {
        var tps = Stations[0];
        await AcceptAsync(tps, version: 1);
        var body = Report(tps.Code, "votes.2", "The photo shows 150 for candidate 2, not the number here.");
        var before = DateTime.UtcNow.AddMilliseconds(-1);

        var opened = await PostAsync("/api/v1/disputes", body, from: "198.51.100.1");
        Assert.True(opened.Status == HttpStatusCode.Created, opened.ToString());
        var report = opened.Body;
        var id = report.GetProperty("id").GetInt64();
        Assert.Equal($"/api/v1/disputes/{id}", opened.Location);
        Assert.Equal((tps.Code, Governor, 1L, "votes.2"),
            (report.GetProperty("tps").GetString(), report.GetProperty("contest").GetString(), report.GetProperty("version").GetInt64(),
                report.GetProperty("field").GetString()));
        Assert.Equal("The photo shows 150 for candidate 2, not the number here.", report.GetProperty("note").GetString());
        Assert.Equal("open", report.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("resolution").ValueKind);
        Assert.InRange(report.GetProperty("openedAt").GetDateTime(), before, DateTime.UtcNow.AddMilliseconds(1));
        // The address, or anything named after it, is not in the report.
        Assert.DoesNotContain("198.51.100.1", report.GetRawText());
        Assert.False(report.TryGetProperty("reporter", out _));

        // Again from the same address, even about another field: that report, unchanged.
        var again = await PostAsync("/api/v1/disputes", Report(tps.Code, "valid", "another note"), from: "198.51.100.1");
        Assert.True(again.Status == HttpStatusCode.OK, again.ToString());
        Assert.Equal(report.GetRawText(), again.Body.GetRawText());
        // Another address is another reporter; another race of the same TPS is another report.
        var other = await PostAsync("/api/v1/disputes", body, from: "198.51.100.2");
        Assert.True(other.Status == HttpStatusCode.Created, other.ToString());
        Assert.NotEqual(id, other.Body.GetProperty("id").GetInt64());

        var read = await SendAsync(HttpMethod.Get, $"/api/v1/disputes/{id}");
        Assert.True(read.Status == HttpStatusCode.OK, read.ToString());
        Assert.Equal(report.GetRawText(), read.Body.GetRawText());
    }

    [Fact]
    public async Task A_report_after_a_correction_is_about_the_corrected_version()
    {
        var tps = Stations[1];
        await AcceptAsync(tps, version: 1);
        await AcceptAsync(tps, version: 2);
        var opened = await PostAsync("/api/v1/disputes", Report(tps.Code, "invalid", "photo says 4"), from: "198.51.100.3");
        Assert.True(opened.Status == HttpStatusCode.Created, opened.ToString());
        Assert.Equal(2, opened.Body.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Unknown_TPS_or_contest_a_contest_not_covering_the_TPS_and_a_TPS_with_nothing_accepted_are_404()
    {
        var tps = Stations[2];
        var outside = Jatim.Registry.Contests.First(c => c.Id != Governor && !c.Covers(tps.Code)).Id;
        foreach (var (code, contest, named) in new[]
                 {
                     ("35.77.99.9999.999", Governor, "35.77.99.9999.999"),
                     (VillageOf(tps.Code), Governor, VillageOf(tps.Code)),
                     (tps.Code, "PGUB-99", "PGUB-99"),
                     (tps.Code, outside, "does not cover"),
                     (tps.Code, Governor, "Nothing is accepted"),
                 })
        {
            var answer = await PostAsync("/api/v1/disputes", Report(code, "valid", "a note", contest), from: "198.51.100.4");
            Assert.True(answer.Status == HttpStatusCode.NotFound, $"{code} {contest}: {answer}");
            Assert.Contains(named, answer.Body.GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/v1/disputes/999999")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/v1/disputes/abc")).Status);
        Assert.Empty((await SendAsync(HttpMethod.Get, $"/api/v1/disputes?region={tps.Code}&status=all")).Body.EnumerateArray());
    }

    [Theory]
    [InlineData("turnout", "x", "field")]
    [InlineData("votes.9", "x", "field")]
    [InlineData("votes", "x", "field")]
    [InlineData("Valid", "x", "field")]
    [InlineData("valid", "", "note")]
    [InlineData("valid", "   ", "note")]
    [InlineData("valid", "NUL\u0000here", "note")]
    [InlineData("valid", "bell\u0007", "note")]
    [InlineData("valid", "TOO_LONG", "note")]
    public async Task A_field_not_of_the_form_or_a_bad_note_is_422_naming_it_and_opens_nothing(string field, string note, string named)
    {
        var tps = Stations[3];
        await AcceptAsync(tps, version: 1);
        if (note == "TOO_LONG") note = new string('x', 501);
        var answer = await PostAsync("/api/v1/disputes", Report(tps.Code, field, note), from: "198.51.100.5");
        Assert.True(answer.Status == HttpStatusCode.UnprocessableEntity, answer.ToString());
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty(named, out _), answer.ToString());
        Assert.Empty((await SendAsync(HttpMethod.Get, $"/api/v1/disputes?region={tps.Code}&status=all")).Body.EnumerateArray());
    }

    [Fact]
    public async Task A_note_of_500_characters_with_tabs_and_newlines_and_every_field_of_the_contest_are_taken()
    {
        var tps = Stations[4];
        await AcceptAsync(tps, version: 1);
        var contest = Jatim.Registry.FindContest(Governor)!;
        string[] fields = ["registered", "voted.dpt", "voted.dptb", "voted.dpk", "ballots.received", "ballots.used", "ballots.spoiled",
            "ballots.unused", "valid", "invalid", .. contest.Candidates.Select(c => $"votes.{c.Number}")];
        for (var i = 0; i < fields.Length; i++)
        {
            var note = i == 0 ? "line one\n\tline two" + new string('y', 482) : $"field {fields[i]}";
            var answer = await PostAsync("/api/v1/disputes", Report(tps.Code, fields[i], note), from: $"198.51.101.{i + 1}");
            Assert.True(answer.Status == HttpStatusCode.Created, $"{fields[i]}: {answer}");
            Assert.Equal(note, answer.Body.GetProperty("note").GetString());
        }
    }

    [Theory]
    [InlineData("not json", null)]
    [InlineData("[]", "body")]
    [InlineData("{\"tps\":\"35.77.01.1001.001\",\"contest\":\"PGUB-35\",\"field\":\"valid\"}", "note")]
    [InlineData("{\"tps\":1,\"contest\":\"PGUB-35\",\"field\":\"valid\",\"note\":\"n\"}", "tps")]
    [InlineData("{\"tps\":\"35.77.01.1001.001\",\"contest\":\"PGUB-35\",\"field\":[\"valid\"],\"note\":\"n\"}", "field")]
    [InlineData("{\"tps\":\"35.77.01.1001.001\",\"tps\":\"35.77.01.1001.002\",\"contest\":\"PGUB-35\",\"field\":\"valid\",\"note\":\"n\"}", null)]
    [InlineData("", null)]
    public async Task A_body_not_of_the_shape_is_400(string json, string? named)
    {
        var answer = await PostRawAsync("/api/v1/disputes", Encoding.UTF8.GetBytes(json), from: "198.51.100.6");
        Assert.True(answer.Status == HttpStatusCode.BadRequest, answer.ToString());
        Assert.Equal("application/problem+json", answer.ContentType);
        if (named is not null) Assert.True(answer.Body.GetProperty("errors").TryGetProperty(named, out _), answer.ToString());
    }

    [Fact]
    public async Task Invalid_UTF_8_is_400_and_a_body_over_4_KiB_is_413()
    {
        var tps = Stations[5];
        var prefix = Encoding.UTF8.GetBytes($"{{\"tps\":\"{tps.Code}\",\"contest\":\"{Governor}\",\"field\":\"valid\",\"note\":\"");
        byte[] bad = [.. prefix, 0xC3, 0x28, .. "\"}"u8];
        var refused = await PostRawAsync("/api/v1/disputes", bad, from: "198.51.100.7");
        Assert.True(refused.Status == HttpStatusCode.BadRequest, refused.ToString());
        Assert.True(refused.Body.GetProperty("errors").TryGetProperty("note", out _), refused.ToString());

        var large = Report(tps.Code, "valid", new string('z', 4 * 1024));
        var tooLarge = await PostAsync("/api/v1/disputes", large, from: "198.51.100.7");
        Assert.True(tooLarge.Status == HttpStatusCode.RequestEntityTooLarge, tooLarge.ToString());
    }

    [Fact]
    public async Task An_address_over_its_hourly_reports_gets_429_with_Retry_After_and_nothing_is_opened()
    {
        var stations = Stations[6..18];
        foreach (var tps in stations) await AcceptAsync(tps, version: 1);
        // Ten reports (the default burst), each of another TPS, all opened.
        for (var i = 0; i < 10; i++)
        {
            var answer = await PostAsync("/api/v1/disputes", Report(stations[i].Code, "valid", "n"), from: "203.0.113.50");
            Assert.True(answer.Status == HttpStatusCode.Created, $"report {i + 1}: {answer}");
        }
        var refused = await PostAsync("/api/v1/disputes", Report(stations[10].Code, "valid", "n"), from: "203.0.113.50");
        Assert.True(refused.Status == HttpStatusCode.TooManyRequests, refused.ToString());
        Assert.Equal("application/problem+json", refused.ContentType);
        // One report every 6 minutes comes back: the wait is a whole refill, and at most that.
        Assert.NotNull(refused.RetryAfter);
        Assert.InRange(refused.RetryAfter!.Value, 1, 360);
        Assert.Contains("Disputes:PerAddressPerHour", refused.Body.GetProperty("detail").GetString());
        Assert.Empty((await SendAsync(HttpMethod.Get, $"/api/v1/disputes?region={stations[10].Code}&status=all")).Body.EnumerateArray());
        // Another address is not held to it.
        var other = await PostAsync("/api/v1/disputes", Report(stations[10].Code, "valid", "n"), from: "203.0.113.51");
        Assert.True(other.Status == HttpStatusCode.Created, other.ToString());
        // An IPv6 client is one /64: rotating the low bits does not escape the limit.
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.Created, (await PostAsync("/api/v1/disputes", Report(stations[i].Code, "invalid", "n"), from: $"2001:db8:5:6::{i + 1}")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests,
            (await PostAsync("/api/v1/disputes", Report(stations[11].Code, "invalid", "n"), from: "2001:db8:5:6:ffff::1")).Status);
    }

    [Fact]
    public async Task The_client_address_is_the_forwarded_one_only_from_a_trusted_proxy()
    {
        var tps = Stations[18];
        await AcceptAsync(tps, version: 1);
        // From loopback (a trusted proxy) two forwarded clients are two reporters.
        var first = await PostAsync("/api/v1/disputes", Report(tps.Code, "valid", "n"), from: "127.0.0.1", forwardedFor: "192.0.2.10");
        var second = await PostAsync("/api/v1/disputes", Report(tps.Code, "valid", "n"), from: "127.0.0.1", forwardedFor: "192.0.2.11");
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.Status, second.Status));
        // From an untrusted address the header is ignored: one reporter whatever it claims.
        var third = await PostAsync("/api/v1/disputes", Report(tps.Code, "valid", "n"), from: "198.51.100.9", forwardedFor: "192.0.2.12");
        var fourth = await PostAsync("/api/v1/disputes", Report(tps.Code, "valid", "n"), from: "198.51.100.9", forwardedFor: "192.0.2.13");
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (third.Status, fourth.Status));
        Assert.Equal(third.Body.GetProperty("id").GetInt64(), fourth.Body.GetProperty("id").GetInt64());
    }

    // ---- helpers

    private static JsonObject Report(string tps, string field, string note, string contest = Governor) =>
        new() { ["tps"] = tps, ["contest"] = contest, ["field"] = field, ["note"] = note };

    private static string VillageOf(string tps) => tps[..tps.LastIndexOf('.')];

    private async Task AcceptAsync(RegionInfo tps, long version)
    {
        var contest = Jatim.Registry.FindContest(Governor)!;
        var form = SampleForms.Valid(tps, contest, new Random(tps.Code.GetHashCode() + (int)version), version);
        var (status, body) = await host.PostFormAsync(form);
        // The same form again (a theory's next case) is a retry: 200.
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"{tps.Code} v{version}: {(int)status} {body}");
    }

    public sealed record Answer(HttpStatusCode Status, JsonElement Body, string? ContentType, int? RetryAfter, string? Location)
    {
        public override string ToString() => $"{(int)Status} {Body}";
    }

    private Task<Answer> PostAsync(string path, JsonNode body, string from, string? token = null, string? forwardedFor = null) =>
        PostRawAsync(path, Encoding.UTF8.GetBytes(body.ToJsonString()), from, token, forwardedFor);

    private async Task<Answer> PostRawAsync(string path, byte[] body, string from, string? token = null, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await SendAsync(request, from);
    }

    private async Task<Answer> SendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        return await SendAsync(request, "198.51.100.200");
    }

    /// <summary>As if the connection came from <paramref name="from"/>: the test server has no sockets to say it.</summary>
    private async Task<Answer> SendAsync(HttpRequestMessage request, string from)
    {
        using var client = new HttpClient(host.Server.CreateHandler(http => http.Connection.RemoteIpAddress = IPAddress.Parse(from)))
        {
            BaseAddress = _client.BaseAddress,
        };
        using var response = await client.SendAsync(request);
        return new Answer(response.StatusCode, await GatewayHost.ReadBodyAsync(response), response.Content.Headers.ContentType?.MediaType,
            response.Headers.RetryAfter?.Delta is { } delta ? (int)delta.TotalSeconds : null, response.Headers.Location?.ToString());
    }
}
