using KpuOrleans.Gateway.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace KpuOrleans.Gateway.Tests;

/// <summary>The page allows only its own scripts and is never framed; every answer forbids MIME sniffing.</summary>
public class SecurityHeaderTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/main.js")]
    [InlineData("/api/v1/contests")]
    public async Task Page_and_API_answers_carry_the_security_headers(string path)
    {
        using var response = await host.CreateClient().GetAsync(path);

        response.EnsureSuccessStatusCode();
        Assert.Equal(SecurityHeaders.PagePolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Contains("script-src 'self'", SecurityHeaders.PagePolicy);
        Assert.DoesNotContain("unsafe-inline", SecurityHeaders.PagePolicy);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task The_operators_dashboard_keeps_its_own_page_rules()
    {
        using var client = host.CreateManagementClient();
        using var response = await client.GetAsync("/ops/dashboard/");

        response.EnsureSuccessStatusCode();
        Assert.False(response.Headers.Contains("Content-Security-Policy"));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}
