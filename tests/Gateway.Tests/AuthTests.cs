using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Writers authenticate (Auth:Enabled): each token's region and role decide which forms it may write; a refused write
/// changes nothing; reads stay anonymous.
/// </summary>
public class AuthTests(AuthTests.AuthHost host) : IClassFixture<AuthTests.AuthHost>
{
    public sealed class AuthHost : GatewayHost
    {
        public static readonly byte[] Key = Encoding.UTF8.GetBytes("a test key of thirty-two bytes!!");

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Auth:Enabled", "true");
            builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(Key));
            // A blank key, as a ConfigMap entry left empty: unset, not an issuer named "" that no token could match.
            builder.UseSetting("Auth:Authority", "");
        }
    }

    private const string Contest = "PGUB-35";
    private static readonly Registry.Contest Governor = Jatim.Registry.FindContest(Contest)!;

    private static string Token(string region, string role, string subject = "officer-1", TimeSpan? lifetime = null, byte[]? key = null,
        string audience = OfficerToken.Audience, DateTime? now = null, string? issuer = OfficerToken.DefaultIssuer) =>
        OfficerToken.Mint(key ?? AuthHost.Key, subject, region, role, lifetime ?? TimeSpan.FromHours(1), now, audience, issuer);

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(ResultForm form, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/results") { Content = JsonContent.Create(ApiJson.Form(form)) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.CreateClient().SendAsync(request);
        return (response.StatusCode, await GatewayHost.ReadBodyAsync(response));
    }

    /// <summary>Each TPS is used by one case only, so that every case starts from a TPS with no form.</summary>
    private static IEnumerable<Registry.RegionInfo> Stations(string village) => Jatim.Registry.TpsUnder(village);

    public static TheoryData<string, string, string, HttpStatusCode> Scopes => new()
    {
        // token region (relative to the form's TPS 35.78.01.1001.00N), role, case, expected
        { "tps", "kpps", "the TPS itself", HttpStatusCode.Created },
        { "sibling-tps", "kpps", "another TPS of the village", HttpStatusCode.Forbidden },
        { "village", "pps", "its village", HttpStatusCode.Created },
        { "sibling-village", "pps", "another village", HttpStatusCode.Forbidden },
        { "district", "ppk", "its district", HttpStatusCode.Created },
        { "sibling-district", "ppk", "another district", HttpStatusCode.Forbidden },
        { "regency", "kabkota", "its regency", HttpStatusCode.Created },
        { "sibling-regency", "kabkota", "another regency", HttpStatusCode.Forbidden },
        { "province", "provinsi", "the province", HttpStatusCode.Created },
        { "district", "kpps", "a KPPS role with a district's region", HttpStatusCode.Forbidden },
        { "tps", "ppk", "a PPK role with a TPS's region", HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Scopes))]
    public async Task A_token_writes_only_inside_its_region_at_its_level(string scope, string role, string what, HttpStatusCode expected)
    {
        var index = Scopes.Select(row => (string)row[0] + (string)row[1]).ToList().IndexOf(scope + role);
        var tps = Stations("35.78.01.1001").ElementAt(index);
        string region = scope switch
        {
            "tps" => tps.Code,
            "sibling-tps" => Stations("35.78.01.1001").Last().Code,
            "village" => "35.78.01.1001",
            "sibling-village" => "35.78.01.1002",
            "district" => "35.78.01",
            "sibling-district" => "35.78.02",
            "regency" => "35.78",
            "sibling-regency" => "35.79",
            _ => "35",
        };
        var form = SampleForms.Valid(tps, Governor, new Random(index));

        var (status, body) = await PostAsync(form, Token(region, role, subject: $"officer-{index}"));

        Assert.True(expected == status, $"{what}: {(int)status} {body}");
        if (status == HttpStatusCode.Forbidden)
        {
            Assert.Equal(403, body.GetProperty("status").GetInt32());
            await AssertNothingStoredAsync(tps.Code);
        }
        else
        {
            // Recorded as sent by the token's subject.
            var history = await host.GetJsonAsync($"/api/v1/tps/{tps.Code}/results/{Contest}");
            Assert.Equal($"officer-{index}", history.GetProperty("current").GetProperty("submittedBy").GetString());
        }
    }

    [Theory]
    [InlineData("kpps\0one")]
    [InlineData("kpps\u001bone")]
    [InlineData("kpps\u0085one")]
    public async Task A_token_whose_sub_holds_control_characters_is_403_and_stores_nothing(string subject)
    {
        var tps = Stations("35.78.03.1001").First();
        var form = SampleForms.Valid(tps, Governor, new Random(3));

        var (status, body) = await PostAsync(form, Token(tps.Code, "kpps", subject: subject));

        Assert.True(status == HttpStatusCode.Forbidden, $"{(int)status} {body}");
        Assert.Contains("'sub'", body.GetProperty("detail").GetString());
        await AssertNothingStoredAsync(tps.Code);
    }

    [Fact]
    public async Task A_correction_needs_a_village_officer_or_above()
    {
        var tps = Stations("35.78.01.1003").First();
        var first = SampleForms.Valid(tps, Governor, new Random(1));
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(first, Token(tps.Code, "kpps"))).Status);
        var correction = SampleForms.Correction(first, tps, Governor, new Random(2));

        var (status, body) = await PostAsync(correction, Token(tps.Code, "kpps"));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("correction", body.GetProperty("detail").GetString());
        Assert.Equal(first.Valid, (await host.GetJsonAsync($"/api/v1/tally/{Contest}/{tps.Code}")).GetProperty("valid").GetInt64());

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(correction, Token("35.78.01.1003", "pps"))).Status);
        Assert.Equal(correction.Valid, (await host.GetJsonAsync($"/api/v1/tally/{Contest}/{tps.Code}")).GetProperty("valid").GetInt64());
    }

    private static readonly string[] BadTokenKinds =
        ["none", "expired", "unsigned", "wrong key", "wrong audience", "garbage", "no issuer", "wrong issuer", "too long-lived"];

    public static TheoryData<string> BadTokens => new(BadTokenKinds);

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Without_a_valid_token_a_write_is_401_and_changes_nothing(string kind)
    {
        var tps = Stations("35.78.01.1004").ElementAt(Array.IndexOf(BadTokenKinds, kind));
        var token = kind switch
        {
            "none" => null,
            "expired" => Token(tps.Code, "kpps", lifetime: TimeSpan.FromHours(1), now: DateTime.UtcNow.AddHours(-2)),
            "unsigned" => Unsigned(tps.Code),
            "wrong key" => Token(tps.Code, "kpps", key: Encoding.UTF8.GetBytes("some other key, thirty-two bytes")),
            "wrong audience" => Token(tps.Code, "kpps", audience: "another-system"),
            "no issuer" => Token(tps.Code, "kpps", issuer: null),
            "wrong issuer" => Token(tps.Code, "kpps", issuer: "someone-else"),
            // Signed with the right key, for the right issuer and audience: only its lifetime is wrong.
            "too long-lived" => Token(tps.Code, "kpps", lifetime: TimeSpan.FromHours(25)),
            _ => "not.a.token",
        };

        var (status, body) = await PostAsync(SampleForms.Valid(tps, Governor, new Random(3)), token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Not authenticated", body.GetProperty("title").GetString());
        var detail = body.GetProperty("detail").GetString();
        if (kind.EndsWith("issuer", StringComparison.Ordinal)) Assert.Contains("'iss'", detail);
        if (kind == "too long-lived") Assert.Contains("lives too long", detail);
        await AssertNothingStoredAsync(tps.Code);
    }

    [Fact]
    public async Task A_token_that_lives_up_to_the_maximum_is_accepted()
    {
        // Auth:MaxTokenLifetime is 24 h by default; a night's tokens are minted for that long (the simulator's).
        var tps = Stations("35.78.01.1004").Last(); // past the ones the bad tokens use
        var (status, body) = await PostAsync(SampleForms.Valid(tps, Governor, new Random(4)), Token(tps.Code, "kpps", lifetime: TimeSpan.FromHours(24)));
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");
    }

    [Fact]
    public async Task In_a_batch_each_form_is_judged_against_the_one_token()
    {
        var inside = Stations("35.78.01.1003").Last();
        var outside = Jatim.Registry.TpsUnder("35.78.02").First();
        var batch = new System.Text.Json.Nodes.JsonObject
        {
            ["forms"] = new System.Text.Json.Nodes.JsonArray(
                ApiJson.Form(SampleForms.Valid(inside, Governor, new Random(5))),
                ApiJson.Form(SampleForms.Valid(outside, Governor, new Random(6)))),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/results/batch")
        {
            Content = new StringContent(batch.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token("35.78.01", "ppk"));
        using var response = await host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await GatewayHost.ReadBodyAsync(response)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([201, 403], results.Select(r => r.GetProperty("status").GetInt32()));
        await AssertNothingStoredAsync(outside.Code);
    }

    [Fact]
    public async Task Reads_stay_anonymous()
    {
        using var response = await host.CreateClient().GetAsync($"/api/v1/tally/{Contest}/35");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A token with <c>alg: none</c> and the claims a KPPS would have: signature checks must refuse it.</summary>
    private static string Unsigned(string region)
    {
        static string Part(object value) => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $"{Part(new { alg = "none", typ = "JWT" })}.{Part(new { sub = "forger", region, role = "kpps", aud = OfficerToken.Audience, iss = OfficerToken.DefaultIssuer, exp })}.";
    }

    private async Task AssertNothingStoredAsync(string tps)
    {
        using var history = await host.CreateClient().GetAsync($"/api/v1/tps/{tps}/results/{Contest}");
        Assert.Equal(HttpStatusCode.NotFound, history.StatusCode);
        Assert.Equal(0, (await host.GetJsonAsync($"/api/v1/tally/{Contest}/{tps}")).GetProperty("version").GetInt64());
    }
}
