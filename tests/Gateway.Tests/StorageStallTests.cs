using System.Net;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Issue 14: a grain call that got no answer may still have stored its form, so the gateway never says "not accepted"
/// about it: it answers 503 outcome unknown, which tells the officer to send the same form again.
/// </summary>
public class StorageStallTests(StorageStallTests.Host host) : IClassFixture<StorageStallTests.Host>
{
    public sealed class Host : GatewayHost
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<ILedger, SilentLedger>());
        }
    }

    /// <summary>Takes every form and never says whether it committed, as a database that stalls mid-COMMIT.</summary>
    private sealed class SilentLedger : ILedger
    {
        private readonly InMemoryLedger _empty = new();

        public Task<AppendResult> AppendAsync(AcceptedForm entry, CancellationToken cancellationToken = default) =>
            new TaskCompletionSource<AppendResult>().Task;

        public Task<IReadOnlyList<AcceptedForm>> ReadTpsAsync(string tps, CancellationToken cancellationToken = default) =>
            _empty.ReadTpsAsync(tps, cancellationToken);

        public Task<IReadOnlyList<AcceptedForm>> ReadLatestUnderAsync(string region, CancellationToken cancellationToken = default) =>
            _empty.ReadLatestUnderAsync(region, cancellationToken);

        public IAsyncEnumerable<AcceptedForm> ReadLatestAsync(string contest, CancellationToken cancellationToken = default) =>
            _empty.ReadLatestAsync(contest, cancellationToken);

        public Task<IReadOnlyList<AcceptedForm>> ReadRecentAnomaliesAsync(string region, int limit, CancellationToken cancellationToken = default) =>
            _empty.ReadRecentAnomaliesAsync(region, limit, cancellationToken);

        public Task<IReadOnlyList<VersionSum>> ReadVersionSumsAsync(CancellationToken cancellationToken = default) =>
            _empty.ReadVersionSumsAsync(cancellationToken);
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
