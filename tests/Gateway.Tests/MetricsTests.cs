using System.Globalization;
using System.Net;
using System.Text.Json;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.SignalR.Client;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// Our instruments (<c>KpuMetrics</c>) are static, so every host in this test process records into the same ones, and
/// every host's exporter listens to meters by name: another class's forms, posted while this class runs, show in this
/// host's <c>/metrics</c> too (seen: +1010 accepted forms from the hub tests' burst), and so do ASP.NET Core's meters
/// of the other hosts (seen: another host's SignalR connections closing took this host's active-connection count from
/// +1 back to 0). The classes of this collection therefore run alone (xunit runs a collection that disables
/// parallelization after all the parallel ones, and by itself), which makes the exact differences below honest.
/// Counters that grow on their own (region reports, flushed on a timer) are only asserted to grow.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMetrics
{
    public const string Name = "process-wide metrics";
}

/// <summary><c>/metrics</c>: the named series exist, and their values follow the traffic the gateway really sees.</summary>
[Collection(ProcessWideMetrics.Name)]
public class MetricsTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private const string Contest = "PGUB-35";

    private async Task<PrometheusScrape> ScrapeAsync()
    {
        using var management = host.CreateManagementClient();
        using var response = await management.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /metrics: {(int)response.StatusCode} {text}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusScrape.Parse(text);
    }

    [Fact]
    public async Task Metrics_follow_the_forms_and_viewers_the_gateway_serves()
    {
        var contest = Jatim.Registry.FindContest(Contest)!;
        var stations = Jatim.Registry.TpsUnder("35.74.01").Take(3).ToList();
        var forms = stations.Select((tps, i) => SampleForms.Valid(tps, contest, new Random(i))).ToList();
        var before = await ScrapeAsync();

        foreach (var form in forms) Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(form)).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.PostFormAsync(forms[0])).Status);
        var otherNumbers = SampleForms.Valid(stations[0], contest, new Random(99));
        Assert.Equal(HttpStatusCode.Conflict, (await host.PostFormAsync(otherNumbers)).Status);
        var rule5 = GatewayHost.ToJson(forms[1]);
        rule5["votes"]!["1"] = forms[1].Votes["1"] + 1;
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await host.SendAsync(HttpMethod.Post, "/api/v1/results", rule5)).Status);
        // Valid JSON of the wrong shape: FormSubmissions judges it (400 "Malformed form") and counts it.
        var shapeless = GatewayHost.ToJson(forms[2]);
        shapeless.Remove("valid");
        Assert.Equal(HttpStatusCode.BadRequest, (await host.SendAsync(HttpMethod.Post, "/api/v1/results", shapeless)).Status);
        // Not JSON at all: refused before any form is read, and counted as malformed too.
        using (var notJson = await host.CreateClient().PostAsync("/api/v1/results", new StringContent("{\"tps\": ", System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        var connection = await ConnectAsync();
        await using (connection)
        {
            await connection.InvokeAsync<JsonElement>("Subscribe", Contest, stations[0].Parent!);
            await connection.InvokeAsync<JsonElement>("Subscribe", Contest, "35");

            // The exporter may answer from a scrape cached for a few hundred milliseconds, and region reports travel
            // on flush timers: poll until every difference is there (or the deadline names those that are not).
            PrometheusScrape after = null!;
            await Eventually.HoldsAsync(async () =>
            {
                after = await ScrapeAsync();
                var wrong = Expectations(before, after).Where(e => !e.Holds).ToList();
                return (wrong.Count == 0, string.Join("; ", wrong));
            }, TimeSpan.FromSeconds(10), "every metric moved by the traffic sent");

            Assert.True(after.Sum("orleans_catalog_activations") > 0, "Orleans' meter: orleans_catalog_activations");
            Assert.True(after.Has("http_server_request_duration_seconds_bucket"), "ASP.NET Core's meter: http_server_request_duration_seconds");
            Assert.Equal("counter", after.Types.GetValueOrDefault("kpu_forms_accepted_total"));
            Assert.Equal("counter", after.Types.GetValueOrDefault("kpu_forms_rejected_total"));
            Assert.Equal("histogram", after.Types.GetValueOrDefault("kpu_forms_acceptance_duration_seconds"));
            Assert.Equal("histogram", after.Types.GetValueOrDefault("kpu_ledger_batch_size"));
            Assert.Equal("gauge", after.Types.GetValueOrDefault("kpu_live_subscriptions"));
            Assert.Equal("gauge", after.Types.GetValueOrDefault("signalr_server_active_connections"));
            // Every acknowledged form's latency lies in the histogram's range (the 10 s response timeout).
            var slowest = after.Series("kpu_forms_acceptance_duration_seconds_bucket", ("le", "10")).Sum(s => s.Value);
            Assert.Equal(after.Sum("kpu_forms_acceptance_duration_seconds_count"), slowest);
        }

        // Gone with the connection: its subscriptions, and the connection itself.
        await Eventually.HoldsAsync(async () =>
        {
            var now = await ScrapeAsync();
            var subscriptions = now.Sum("kpu_live_subscriptions");
            var connections = now.Sum("signalr_server_active_connections");
            return (subscriptions == before.Sum("kpu_live_subscriptions") && connections == before.Sum("signalr_server_active_connections"),
                $"kpu_live_subscriptions {subscriptions}, signalr_server_active_connections {connections}");
        }, TimeSpan.FromSeconds(10), "the closed connection's subscriptions and connection are released");
    }

    private sealed record Expectation(string Series, double Before, double After, string Expected, bool Holds)
    {
        public override string ToString() =>
            $"{Series}: {Before.ToString(CultureInfo.InvariantCulture)} -> {After.ToString(CultureInfo.InvariantCulture)}, expected {Expected}";
    }

    private static IEnumerable<Expectation> Expectations(PrometheusScrape before, PrometheusScrape after)
    {
        Expectation Grew(string name, double by, params (string, string)[] labels)
        {
            var (was, now) = (before.Sum(name, labels), after.Sum(name, labels));
            return new(Describe(name, labels), was, now, $"+{by}", now - was == by);
        }

        Expectation GrewAtLeast(string name, double by, params (string, string)[] labels)
        {
            var (was, now) = (before.Sum(name, labels), after.Sum(name, labels));
            return new(Describe(name, labels), was, now, $"at least +{by}", now - was >= by);
        }

        yield return Grew("kpu_forms_accepted_total", 3, ("outcome", "new"));
        yield return Grew("kpu_forms_accepted_total", 1, ("outcome", "retry"));
        yield return Grew("kpu_forms_rejected_total", 1, ("rule", "5"));
        yield return Grew("kpu_forms_rejected_total", 2, ("rule", "malformed"));
        yield return Grew("kpu_forms_rejected_total", 1, ("rule", "conflict"));
        // Nothing else: the rule-5 form breaks only rule 5, and nothing was unavailable.
        yield return Grew("kpu_forms_rejected_total", 4);
        yield return Grew("kpu_forms_acceptance_duration_seconds_count", 3, ("outcome", "new"));
        yield return Grew("kpu_forms_acceptance_duration_seconds_count", 4);
        // The embedded ledger commits one form at a time, and a retry or a conflict writes nothing.
        yield return Grew("kpu_ledger_batch_size_count", 3);
        yield return Grew("kpu_ledger_batch_size_sum", 3);
        yield return Grew("kpu_ledger_commit_duration_seconds_count", 3);
        foreach (var level in new[] { "village", "district", "regency", "province" })
            yield return GrewAtLeast("kpu_region_reports_total", 1, ("level", level));
        yield return Grew("kpu_live_subscriptions", 2);
        yield return GrewAtLeast("signalr_server_active_connections", 1);
        yield return Grew("http_server_request_duration_seconds_count", 3,
            ("http_route", "/api/v1/results"), ("http_request_method", "POST"), ("http_response_status_code", "201"));
    }

    private static string Describe(string name, (string Label, string Value)[] labels) =>
        labels.Length == 0 ? name : $"{name}{{{string.Join(",", labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}}";

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = host.Hub().Build();
        await connection.StartAsync();
        return connection;
    }
}
