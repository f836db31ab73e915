using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Gateway.Api;
using KpuOrleans.Gateway.Ingest;
using KpuOrleans.Ingest;
using KpuOrleans.Ledger;
using KpuOrleans.TestKit;
using KpuOrleans.Tps;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// The gateway with the silo's side of its ingest calls in the test's hands: every call counted with the forms it
/// carries, held at a gate while the test closes it, and the TPS grains it names made to fail.
/// </summary>
public class IngestHost : GatewayHost
{
    public IngestGate Gate { get; } = new();

    protected virtual int MaxQueue => 1000;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // One call out at a time: what arrives meanwhile waits for it, which the tests make certain by holding it.
        builder.UseSetting("Ingest:MaxCallsInFlight", "1");
        builder.UseSetting("Ingest:MaxQueue", MaxQueue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<IIncomingGrainCallFilter>(Gate);
            // A call held at the gate must outlast the test's waits for the forms behind it (30 s each on a slow
            // machine), not time out at the usual grain-call deadline and answer its form 503.
            services.PostConfigure<Orleans.Configuration.SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromMinutes(2));
        });
    }

    public FormCourier Courier => Services.GetRequiredService<FormCourier>();

    public async Task<HttpResponseMessage> PostAsync(ResultForm form) =>
        await CreateClient().PostAsync("/api/v1/results", new StringContent(ToJson(form).ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
}

public sealed class IngestGate : IIncomingGrainCallFilter
{
    private volatile TaskCompletionSource _open = Opened();
    private int _calls;
    private int _forms;
    private int _held;

    public int Calls => Volatile.Read(ref _calls);

    public int Forms => Volatile.Read(ref _forms);

    /// <summary>Ingest calls waiting at the closed gate now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>What a TPS grain's <c>Submit</c> throws, by TPS code, instead of judging its form.</summary>
    public ConcurrentDictionary<string, Exception> Faults { get; } = new();

    public void Close() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _open.TrySetResult();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IIngestGrain))
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _forms, ((Submission[])context.Request.GetArgument(0)!).Length);
            Interlocked.Increment(ref _held);
            try
            {
                await _open.Task;
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
        }
        else if (context.InterfaceMethod?.DeclaringType == typeof(ITpsGrain) && context.InterfaceMethod.Name == nameof(ITpsGrain.SubmitJudged)
            && Faults.TryGetValue(context.TargetId.Key.ToString()!, out var fault))
        {
            throw fault;
        }
        await context.Invoke();
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}

/// <summary>Issue 17: single forms travel to the silo in shared calls, each still answered for itself.</summary>
public class IngestTests(IngestHost host) : IClassFixture<IngestHost>
{
    private static List<string> Tps(string under, int count) => [.. Jatim.Registry.TpsUnder(under).Take(count).Select(t => t.Code)];

    [Fact]
    public async Task Forms_arriving_while_a_call_is_out_travel_together_in_the_next_call()
    {
        var tps = Tps("35.77", 41);
        var (calls, forms) = (host.Gate.Calls, host.Gate.Forms);
        host.Gate.Close();
        try
        {
            var first = host.PostAsync(SubmitTests.FormFor(tps[0]));
            await Eventually.HoldsAsync(() => Task.FromResult((host.Gate.Held == 1, $"{host.Gate.Held} calls at the gate")),
                TimeSpan.FromSeconds(30), "the first form's call reaching the silo");
            var rest = tps.Skip(1).Select(t => host.PostAsync(SubmitTests.FormFor(t))).ToList();
            await Eventually.HoldsAsync(() => Task.FromResult((host.Courier.Held == tps.Count, $"{host.Courier.Held} forms held")),
                TimeSpan.FromSeconds(30), "every form waiting at the courier");
            host.Gate.Open();

            var answers = await Task.WhenAll(rest.Prepend(first));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
            foreach (var answer in answers) answer.Dispose();
        }
        finally
        {
            host.Gate.Open();
        }

        // The first went alone, at once; the 40 that came while it was out went in one call, not 40.
        Assert.Equal(tps.Count, host.Gate.Forms - forms);
        Assert.Equal(2, host.Gate.Calls - calls);
        var history = await host.GetJsonAsync($"/api/v1/tps/{tps[^1]}/results/PGUB-35");
        Assert.Equal(1, history.GetProperty("current").GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_submission_whose_TPS_call_fails_gets_its_own_answer_and_the_rest_of_its_batch_is_accepted()
    {
        var tps = Tps("35.76", 4);
        host.Gate.Faults[tps[1]] = new InvalidOperationException("test: this TPS's call fails");
        host.Gate.Faults[tps[2]] = new LedgerUnavailableException("test: this TPS cannot read the ledger");
        var submissions = tps.Select(t => new Submission(SubmitTests.FormFor(t), "test", SubmitterRights.Ordinary)).ToArray();

        var receipts = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IIngestGrain>(0).Submit(submissions);

        Assert.Equal([SubmitStatus.Accepted, SubmitStatus.OutcomeUnknown, SubmitStatus.Unavailable, SubmitStatus.Accepted], receipts.Select(r => r.Status));
        Assert.Equal(IngestGrain.NotActivated, receipts[2].Detail);
        Assert.True(receipts[0].AcceptedAt > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, $"/api/v1/tps/{tps[1]}/results/PGUB-35")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Get, $"/api/v1/tps/{tps[3]}/results/PGUB-35")).Status);
    }

    [Fact]
    public async Task In_a_batch_request_the_form_whose_TPS_fails_is_503_and_the_others_are_201()
    {
        var tps = Tps("35.75", 3);
        host.Gate.Faults[tps[1]] = new InvalidOperationException("test: this TPS's call fails");
        var batch = new JsonObject { ["forms"] = new JsonArray([.. tps.Select(t => (JsonNode)ToJson(SubmitTests.FormFor(t)))]) };

        var (status, body) = await host.SendAsync(HttpMethod.Post, "/api/v1/results/batch", batch);

        Assert.Equal(HttpStatusCode.OK, status);
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([201, 503, 201], results.Select(r => r.GetProperty("status").GetInt32()));
        Assert.Equal(Problems.OutcomeUnknownType, results[1].GetProperty("body").GetProperty("type").GetString());
        Assert.Equal(tps[2], results[2].GetProperty("body").GetProperty("tps").GetString());
    }

    private static JsonObject ToJson(ResultForm form) => GatewayHost.ToJson(form);
}

/// <summary>A courier that may hold two forms: a third, while they wait, is refused at once rather than queued.</summary>
public sealed class TwoFormIngestHost : IngestHost
{
    protected override int MaxQueue => 2;
}

public class IngestQueueTests(TwoFormIngestHost host) : IClassFixture<TwoFormIngestHost>
{
    [Fact]
    public async Task A_form_beyond_the_couriers_bound_is_503_with_Retry_After_and_is_not_stored()
    {
        var tps = Jatim.Registry.TpsUnder("35.74").Take(3).Select(t => SubmitTests.FormFor(t.Code)).ToList();
        host.Gate.Close();
        HttpResponseMessage[] waited;
        try
        {
            var first = host.PostAsync(tps[0]);
            await Eventually.HoldsAsync(() => Task.FromResult((host.Gate.Held == 1, $"{host.Gate.Held} calls at the gate")),
                TimeSpan.FromSeconds(30), "the first form's call reaching the silo");
            var second = host.PostAsync(tps[1]);
            await Eventually.HoldsAsync(() => Task.FromResult((host.Courier.Held == 2, $"{host.Courier.Held} forms held")),
                TimeSpan.FromSeconds(30), "two forms at the courier");

            using var refused = await host.PostAsync(tps[2]);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var problem = await GatewayHost.ReadBodyAsync(refused);
            Assert.NotEqual(Problems.OutcomeUnknownType, problem.GetProperty("type").GetString());
            Assert.Contains("not accepted", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(2, host.Courier.Held);
            host.Gate.Open();
            waited = await Task.WhenAll(first, second);
        }
        finally
        {
            host.Gate.Open();
        }

        Assert.All(waited, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(HttpMethod.Get, $"/api/v1/tps/{tps[2].Tps}/results/PGUB-35")).Status);
        // Room again: the refused form goes through when sent again.
        using var again = await host.PostAsync(tps[2]);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }
}
