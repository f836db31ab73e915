using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KpuOrleans.Gateway.Auth;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Validated tokens are remembered until they expire: a remembered token is refused on time, a forged or tampered one
/// is never remembered and never passes, and the memory holds no more tokens than its size.
/// </summary>
public class RememberedTokenTests(AuthTests.AuthHost host) : IClassFixture<AuthTests.AuthHost>
{
    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidAudience = OfficerToken.Audience,
        ValidIssuer = OfficerToken.DefaultIssuer,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        IssuerSigningKey = new SymmetricSecurityKey(AuthTests.AuthHost.Key),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
    };

    private static string Token(string subject, TimeSpan? lifetime = null, DateTime? now = null) =>
        OfficerToken.Mint(AuthTests.AuthHost.Key, subject, "35.78.01.1001.001", "kpps", lifetime ?? TimeSpan.FromHours(1), now);

    private static RememberedTokens Tokens(int size, TimeProvider? clock = null) =>
        new(new JsonWebTokenHandler { MapInboundClaims = false }, size, clock ?? TimeProvider.System);

    /// <summary>The token with one character of its payload changed: same signature, other claims.</summary>
    private static string Tampered(string token)
    {
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"kpps\"", "\"provinsi\"", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    [Fact]
    public async Task A_validated_token_is_answered_from_memory_the_second_time()
    {
        var tokens = Tokens(64);
        var token = Token("officer-remembered");

        var first = await tokens.ValidateTokenAsync(token, Parameters);
        var second = await tokens.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        // The validator parses a token anew each time; the same object back means it was not asked again.
        Assert.Same(first.SecurityToken, second.SecurityToken);
        Assert.Equal("officer-remembered", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal(1, tokens.Count);
    }

    [Fact]
    public async Task A_tampered_or_foreign_token_is_refused_after_the_genuine_one_is_remembered_and_never_remembered()
    {
        var tokens = Tokens(64);
        var genuine = Token("officer-tampered");
        Assert.True((await tokens.ValidateTokenAsync(genuine, Parameters)).IsValid);

        var tampered = await tokens.ValidateTokenAsync(Tampered(genuine), Parameters);
        var foreign = await tokens.ValidateTokenAsync(
            OfficerToken.Mint("another key of thirty-two bytes!"u8.ToArray(), "officer-tampered", "35.78.01.1001.001", "kpps", TimeSpan.FromHours(1)), Parameters);

        Assert.False(tampered.IsValid);
        Assert.IsAssignableFrom<SecurityTokenInvalidSignatureException>(tampered.Exception);
        Assert.False(foreign.IsValid);
        Assert.Equal(1, tokens.Count);
    }

    [Fact]
    public async Task A_remembered_token_is_served_only_until_its_expiry_plus_the_skew()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var tokens = Tokens(64, clock);
        var token = Token("officer-expiring", TimeSpan.FromMinutes(10));
        var first = await tokens.ValidateTokenAsync(token, Parameters);

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(29));
        var justBefore = await tokens.ValidateTokenAsync(token, Parameters);
        clock.Advance(TimeSpan.FromSeconds(2));
        var after = await tokens.ValidateTokenAsync(token, Parameters);

        Assert.Same(first.SecurityToken, justBefore.SecurityToken);
        // Past exp + skew by the cache's clock it goes back to the validator (whose clock has not moved: it still takes it).
        Assert.NotSame(first.SecurityToken, after.SecurityToken);
    }

    [Fact]
    public async Task The_memory_never_holds_more_tokens_than_its_size()
    {
        var tokens = Tokens(16);

        for (var i = 0; i < 300; i++)
            Assert.True((await tokens.ValidateTokenAsync(Token($"officer-{i}"), Parameters)).IsValid);

        Assert.InRange(tokens.Count, 1, 16);
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string tps, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/results") { Content = JsonContent.Create(ApiJson.Form(SubmitTests.FormFor(tps))) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.CreateClient().SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void A_gateway_with_a_signing_key_validates_through_its_remembered_tokens()
    {
        var bearer = host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

        Assert.IsType<RememberedTokens>(Assert.Single(bearer.TokenHandlers));
    }

    [Fact]
    public async Task A_token_used_once_is_refused_as_expired_once_it_expires()
    {
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().GetAsync("/api/v1/tally/PGUB-35/35")).StatusCode);
        // exp 20 s ago: inside the 30 s skew, so taken now, and refused some 10 s from now.
        var token = OfficerToken.Mint(AuthTests.AuthHost.Key, "kpps-35.78.02.1001.001", "35.78.02.1001.001", "kpps", TimeSpan.FromHours(1),
            DateTime.UtcNow - TimeSpan.FromHours(1) - TimeSpan.FromSeconds(20));

        var (status, body) = await PostAsync("35.78.02.1001.001", token);
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");

        await Eventually.HoldsAsync(async () =>
        {
            var (again, text) = await PostAsync("35.78.02.1001.001", token);
            return (again == HttpStatusCode.Unauthorized && text.Contains("The token has expired; ask for a new one.", StringComparison.Ordinal), $"{(int)again} {text}");
        }, TimeSpan.FromSeconds(60), "the remembered token refused once expired");
    }

    [Fact]
    public async Task A_tampered_token_is_401_after_the_genuine_one_was_used()
    {
        var genuine = OfficerToken.Mint(AuthTests.AuthHost.Key, "kpps-35.78.02.1001.002", "35.78.02.1001.002", "kpps", TimeSpan.FromHours(1));
        var (status, body) = await PostAsync("35.78.02.1001.002", genuine);
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {body}");

        var (refused, text) = await PostAsync("35.78.02.1001.003", Tampered(genuine));

        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Contains("The token's signature does not verify.", text);
    }
}
