using System.Net;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>On the default registry (Jawa Timur alone) the province is the root: there is no <c>0</c> for KPU RI to stand on.</summary>
public class KpuriOnJawaTimurTests(AuthTests.AuthHost host) : IClassFixture<AuthTests.AuthHost>
{
    [Fact]
    public async Task A_kpuri_token_is_refused_because_0_is_not_in_the_registry()
    {
        var token = OfficerToken.Mint(AuthTests.AuthHost.Key, "kpuri-0", "0", "kpuri", TimeSpan.FromHours(1));
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/certify/PGUB-35/35.76")
        {
            Content = new StringContent("""{"reason":"recount ordered"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var body = await GatewayHost.ReadBodyAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode} {body}");
        Assert.Contains("'0' is not in the registry", body.GetProperty("detail").GetString());
        Assert.Null(Jatim.Registry.Find("0"));
    }
}
