using System.Net;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Issue 14: a grain call that got no answer may still have stored its form, so the gateway never says "not accepted"
/// about it: it answers 503 outcome unknown, which tells the officer to send the same form again.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class StorageStallTests(StorageStallTests.Host host) : IClassFixture<StorageStallTests.Host>
{
    public sealed class Host : GatewayHost
    {
        private readonly SilentLedger _ledger = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<ILedger>(_ledger));
        }

        // A TPS grain waiting on a stalled append cannot deactivate, so the silo would not stop: end the stall first.
        public override async ValueTask DisposeAsync()
        {
            _ledger.Release();
            await base.DisposeAsync();
        }
    }

    /// <summary>Takes every form and never says whether it committed, as a database that stalls mid-COMMIT, until released.</summary>
    private sealed class SilentLedger() : WritelessLedger(() => Stall.Task)
    {
        private static readonly TaskCompletionSource<AppendResult> Stall = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Stall.TrySetException(new LedgerUnavailableException("test: the stalled ledger is shutting down"));
    }

    [Fact]
    public async Task A_call_left_unanswered_is_503_outcome_unknown_with_Retry_After()
    {
        var form = SubmitTests.FormFor("35.78.02.1001.002");
        using var response = await host.CreateClient().PostAsync("/api/v1/results",
            new StringContent(GatewayHost.ToJson(form).ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = await GatewayHost.ReadBodyAsync(response);
        Assert.Equal("https://kpu-orleans.id/problems/outcome-unknown", problem.GetProperty("type").GetString());
        Assert.Equal("Outcome unknown", problem.GetProperty("title").GetString());
        Assert.DoesNotContain("not accepted", problem.GetProperty("detail").GetString());
    }
}
