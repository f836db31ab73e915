using System.Net;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>A ledger that cannot be reached: the form is refused with 503 and Retry-After, and nothing is counted.</summary>
public class StorageDownTests(StorageDownTests.Host host) : IClassFixture<StorageDownTests.Host>
{
    public sealed class Host : GatewayHost
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<ILedger, UnreachableLedger>());
        }
    }

    /// <summary>Reads work (an empty ledger), writes cannot reach the store.</summary>
    private sealed class UnreachableLedger() : WritelessLedger(() => throw new LedgerUnavailableException("test: the ledger is down"));

    [Fact]
    public async Task A_form_is_503_with_Retry_After_and_counts_nowhere()
    {
        var form = SubmitTests.FormFor("35.78.02.1001.001");
        using var response = await host.CreateClient().PostAsync("/api/v1/results",
            new StringContent(GatewayHost.ToJson(form).ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var tally = await host.GetJsonAsync($"/api/v1/tally/PGUB-35/{form.Tps}");
        Assert.Equal(0, tally.GetProperty("tpsReported").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, $"/api/v1/tps/{form.Tps}/results/PGUB-35")).Status);
    }
}
