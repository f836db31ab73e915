using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using KpuOrleans.TestKit;
using Xunit.Abstractions;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// The photo check against the real embedded system: a form citing a page never uploaded makes <c>check --api</c>
/// fail naming the page and the TPS; once the page is uploaded, the same check passes, having downloaded and hashed
/// every cited page.
/// </summary>
[Trait(Lanes.Category, Lanes.Slow)]
public class EmbeddedPhotoTests(ITestOutputHelper log)
{
    // Two 1×1 PNGs (a black pixel, a red one): real images, so the gateway's decoder takes them.
    private static readonly byte[] Black = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC");
    private static readonly byte[] Red = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC");

    private static string Name(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static async Task PutAsync(HttpClient http, byte[] photo)
    {
        var content = new ByteArrayContent(photo);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var response = await http.PutAsync($"api/v1/photos/{Name(photo)}", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task PostAsync(HttpClient http, string tps, string photo)
    {
        var registry = Jatim.Registry;
        var form = ApiJson.Form(SampleForms.Valid(registry.Get(tps), registry.Contests.Single(c => c.Id == "PGUB-35"), new Random(1)));
        form["photos"] = new System.Text.Json.Nodes.JsonArray(photo);
        using var response = await http.PostAsync("api/v1/results", new StringContent(form.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_cited_photo_never_uploaded_fails_the_check_naming_it_and_passes_once_uploaded()
    {
        await using var gateway = await EmbeddedGateway.StartAsync("verifier-photos");
        using var http = new HttpClient { BaseAddress = gateway.Address };
        await PutAsync(http, Black);
        await PostAsync(http, "35.79.01.1001.001", Name(Black));
        await PostAsync(http, "35.79.01.1001.002", Name(Red));

        var missing = await VerifierRun.RunAsync("check", "--api", gateway.Address.ToString(), "--contests", "PGUB-35");
        log.WriteLine(missing.ToString());

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"PHOTO {Name(Red)} (cited by PGUB-35 35.79.01.1001.002): missing: GET api/v1/photos/{Name(Red)} answered 404", missing.Lines);
        Assert.StartsWith("Photos FAILED: 1 of 2 cited photos", missing.Lines[^1]);

        await PutAsync(http, Red);
        var stored = await VerifierRun.RunAsync("check", "--api", gateway.Address.ToString(), "--contests", "PGUB-35");
        log.WriteLine(stored.ToString());

        Assert.Equal(0, stored.ExitCode);
        Assert.Equal("Photos OK: every one of 2 cited photos is stored (2 downloaded, each hashing to its name; 0 asked for with HEAD)", stored.Lines[^1]);
    }
}
