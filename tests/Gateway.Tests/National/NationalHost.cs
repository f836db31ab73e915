using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace KpuOrleans.Gateway.Tests.National;

/// <summary>
/// The gateway on the whole country's registry (<c>Registry:Path</c> = <c>data/indonesia</c>), with officers' tokens
/// checked as in <see cref="AuthTests.AuthHost"/>. One per test run (the <see cref="NationalCollection"/>): the national
/// registry is ~300 MB and ~6 s to load, so its classes share the host and run one after another; each test owns its
/// own regions.
/// </summary>
public sealed class NationalHost : GatewayHost
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Registry:Path", Indonesia.Folder);
        builder.UseSetting("Auth:Enabled", "true");
        builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(AuthTests.AuthHost.Key));
        builder.UseSetting("Auth:Authority", "");
    }

    /// <summary>The registry the gateway itself loaded (the same instance: loaded once for host and test).</summary>
    public RegionRegistry Registry => Services.GetRequiredService<RegionRegistry>();

    public static string Token(string region, string role, string? subject = null) =>
        OfficerToken.Mint(AuthTests.AuthHost.Key, subject ?? $"{role}-{region}", region, role, TimeSpan.FromHours(1));

    public async Task<Answer> SendAsync(HttpMethod method, string path, string? token = null, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await CreateClient().SendAsync(request);
        return new Answer(response.StatusCode, await ReadBodyAsync(response), response.Headers.CacheControl?.ToString());
    }

    public Task<Answer> PostFormAsync(ResultForm form, string token) => SendAsync(HttpMethod.Post, "/api/v1/results", token, ApiJson.Form(form));

    public async Task<JsonElement> ReadAsync(string path)
    {
        var answer = await SendAsync(HttpMethod.Get, path);
        Assert.True(answer.Status == HttpStatusCode.OK, $"GET {path}: {answer}");
        return answer.Body;
    }

    /// <summary>A first form of <paramref name="contest"/> for every TPS under <paramref name="region"/>, each from its KPPS.</summary>
    public async Task<List<ResultForm>> FillAsync(string region, string contest, int seed)
    {
        var random = new Random(seed);
        var race = Registry.FindContest(contest)!;
        var forms = Registry.TpsUnder(region).Select(tps => SampleForms.Valid(tps, race, random)).ToList();
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (form, _) =>
        {
            var answer = await PostFormAsync(form, Token(form.Tps, "kpps"));
            Assert.True(answer.Status == HttpStatusCode.Created, $"{form.Tps} {form.Contest}: {answer}");
        });
        return forms;
    }
}

public sealed record Answer(HttpStatusCode Status, JsonElement Body, string? CacheControl)
{
    public string? Title => Text("title");

    public string Detail => Text("detail") ?? "";

    private string? Text(string name) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;

    public override string ToString() => $"{(int)Status} {Body}";
}

[CollectionDefinition(Name)]
public sealed class NationalCollection : ICollectionFixture<NationalHost>
{
    public const string Name = "National registry";
}
