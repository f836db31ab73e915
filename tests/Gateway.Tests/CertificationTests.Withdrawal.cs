using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.TestKit;
using Microsoft.AspNetCore.SignalR.Client;

namespace KpuOrleans.Gateway.Tests;

public partial class CertificationTests
{
    [Fact]
    public async Task A_certificate_is_withdrawn_top_down_with_a_reason_after_which_corrections_go_through_and_it_is_certified_anew()
    {
        const string regency = "35.72"; // Kota Blitar's mayor race: no other test touches it, and it ends at the regency
        const string contest = "PWAL-35.72";
        var districts = Jatim.Registry.Get(regency).Children;
        var district = districts[0];
        var forms = await FillAsync(regency, contest, seed: 60);
        var uncertified = await SendAsync(HttpMethod.Get, $"/api/v1/tally/{contest}/{district}", null);
        var issued = new Dictionary<string, JsonElement>();
        foreach (var code in districts) issued[code] = (await CertifyAsync(contest, code, Token(code, "ppk"))).Body;
        issued[regency] = (await CertifyAsync(contest, regency, Token(regency, "kabkota"))).Body;
        Assert.All(issued.Values, body => Assert.Equal(JsonValueKind.String, body.GetProperty("digest").ValueKind));

        // While in force the tallies show each certificate, and a copy cached before it is stale.
        var stale = await SendAsync(HttpMethod.Get, $"/api/v1/tally/{contest}/{district}", null, ifNoneMatch: uncertified.ETag);
        Assert.True(stale.Status == HttpStatusCode.OK, $"a GET with the ETag from before the certificate: {stale}");
        Assert.NotEqual(uncertified.ETag, stale.ETag);
        AssertSeal(stale.Body, issued[district]);
        AssertSeal(await TallyAsync(contest, regency), issued[regency]);

        var ppk = Token(district, "ppk");
        foreach (var body in new JsonNode?[] { new JsonObject(), Reason(""), Reason("   "), Reason(new string('x', 501)) })
        {
            var unexplained = await WithdrawAsync(contest, district, ppk, body);
            Assert.True(unexplained.Status == HttpStatusCode.UnprocessableEntity, $"{body?.ToJsonString()}: {unexplained}");
            Assert.True(unexplained.Body.GetProperty("errors").TryGetProperty("reason", out _), unexplained.ToString());
        }
        var outsider = await WithdrawAsync(contest, district, Token(districts[1], "ppk"), Reason("not mine"));
        Assert.True(outsider.Status == HttpStatusCode.Forbidden, outsider.ToString());
        var above = await WithdrawAsync(contest, district, ppk, Reason("recount ordered"));
        Assert.True(above.Status == HttpStatusCode.Conflict, above.ToString());
        Assert.Equal("Certified above", above.Title);
        Assert.Contains(regency, above.Detail);
        AssertSeal(await TallyAsync(contest, district), issued[district]);

        var regencyWithdrawn = await WithdrawAsync(contest, regency, Token(regency, "kabkota"), Reason("Bawaslu recommends a recount in " + district));
        Assert.True(regencyWithdrawn.Status == HttpStatusCode.OK, regencyWithdrawn.ToString());
        AssertWithdrawn(regencyWithdrawn.Body, issued[regency], Subject(regency, "kabkota"), "Bawaslu recommends a recount in " + district);
        // Same level or above: the regency's KPU withdraws its district's certificate.
        var districtWithdrawn = await WithdrawAsync(contest, district, Token(regency, "kabkota"), Reason("recount ordered"));
        Assert.True(districtWithdrawn.Status == HttpStatusCode.OK, districtWithdrawn.ToString());
        AssertWithdrawn(districtWithdrawn.Body, issued[district], Subject(regency, "kabkota"), "recount ordered");
        var again = await WithdrawAsync(contest, district, ppk, Reason("recount ordered"));
        Assert.True(again.Status == HttpStatusCode.NotFound, again.ToString());
        Assert.Equal("Not certified", again.Title);
        await AssertNotCertifiedAsync(contest, district);
        await AssertNotCertifiedAsync(contest, regency);
        var withdrawnTag = await SendAsync(HttpMethod.Get, $"/api/v1/tally/{contest}/{district}", null, ifNoneMatch: stale.ETag);
        Assert.True(withdrawnTag.Status == HttpStatusCode.OK, $"a GET with the ETag from while it was certified: {withdrawnTag}");

        // Corrections go through again, and the district is certified anew with the digest of its new forms.
        var first = forms.First(f => f.Tps.StartsWith(district + ".", StringComparison.Ordinal));
        var correction = SampleForms.Correction(first, Jatim.Registry.Get(first.Tps), Contest(contest), new Random(61));
        var corrected = await PostFormAsync(correction, Token(VillageOf(first.Tps), "pps"));
        Assert.True(corrected.Status == HttpStatusCode.Created, corrected.ToString());
        var expected = Recounted(forms.Select(f => f == first ? correction : f)).ExpectedDigest(contest, district);
        Assert.NotEqual(issued[district].GetProperty("digest").GetString(), expected);
        await Eventually.HoldsAsync(async () =>
        {
            var tally = await TallyAsync(contest, district);
            return (tally.GetProperty("digest").GetString() == expected, tally.GetProperty("digest").ToString());
        }, TimeSpan.FromSeconds(10), "the district's digest takes the correction");
        var renewed = await CertifyAsync(contest, district, ppk);
        Assert.True(renewed.Status == HttpStatusCode.Created, renewed.ToString());
        Assert.Equal(expected, renewed.Body.GetProperty("digest").GetString());
        AssertSeal(await TallyAsync(contest, district), renewed.Body);

        // Every certificate is published, the withdrawn ones with their withdrawal, in region code order, oldest first.
        var export = await ExportAsync(contest);
        Assert.Equal(
            new[] { regencyWithdrawn.Body, districtWithdrawn.Body, renewed.Body, issued[districts[1]], issued[districts[2]] }.Select(c => c.GetRawText()),
            export.Select(c => c.GetRawText()));
    }

    [Fact]
    public async Task The_regencys_children_list_shows_a_districts_certificate_while_it_is_in_force()
    {
        var district = Smallest[5];
        var regency = Jatim.Registry.Get(district).Parent!;
        var forms = await FillAsync(district, Governor, seed: 80);
        // As on the night: the count has settled all the way up before the PPK signs.
        await Eventually.HoldsAsync(async () =>
        {
            var child = await ChildAsync(Governor, regency, district);
            return (child.GetProperty("tpsReported").GetInt32() == forms.Count, child.ToString());
        }, TimeSpan.FromSeconds(10), $"{regency} counts every form of {district}");
        var issued = await CertifyAsync(Governor, district, Token(district, "ppk"));
        Assert.True(issued.Status == HttpStatusCode.Created, issued.ToString());

        // Reports travel up asynchronously: the list shows the certificate once the district's report is applied.
        await Eventually.HoldsAsync(async () =>
        {
            var child = await ChildAsync(Governor, regency, district);
            return (child.GetProperty("certified").ValueKind == JsonValueKind.Object, child.ToString());
        }, TimeSpan.FromSeconds(10), $"{regency}'s children list shows {district}'s certificate");
        AssertSeal(await ChildAsync(Governor, regency, district), issued.Body);

        var withdrawn = await WithdrawAsync(Governor, district, Token(district, "ppk"), Reason("wrong recap sheet signed"));
        Assert.True(withdrawn.Status == HttpStatusCode.OK, withdrawn.ToString());
        await Eventually.HoldsAsync(async () =>
        {
            var child = await ChildAsync(Governor, regency, district);
            return (child.GetProperty("certified").ValueKind == JsonValueKind.Null, child.ToString());
        }, TimeSpan.FromSeconds(10), $"{regency}'s children list shows {district}'s certificate withdrawn");
    }

    private async Task<JsonElement> ChildAsync(string contest, string parent, string code) =>
        (await GetJsonAsync($"/api/v1/tally/{contest}/{parent}/children")).EnumerateArray().Single(c => c.GetProperty("region").GetString() == code);

    [Fact]
    public async Task A_hub_subscriber_to_the_district_is_told_of_its_certificate()
    {
        var district = Smallest[4];
        await FillAsync(district, Governor, seed: 70);
        var messages = new ConcurrentQueue<JsonElement>();
        await using var connection = host.Hub().Build();
        connection.On<JsonElement>("tally", messages.Enqueue);
        await connection.StartAsync();
        var current = await connection.InvokeAsync<JsonElement>("Subscribe", Governor, district);
        Assert.Equal(JsonValueKind.Null, current.GetProperty("certified").ValueKind);

        var certificate = await CertifyAsync(Governor, district, Token(district, "ppk"));
        Assert.True(certificate.Status == HttpStatusCode.Created, certificate.ToString());

        await Eventually.HoldsAsync(() => Task.FromResult((
            messages.Any(m => m.GetProperty("certified").ValueKind == JsonValueKind.Object), $"{messages.Count} messages")),
            TimeSpan.FromSeconds(10), "a tally message with the certificate");
        var told = messages.First(m => m.GetProperty("certified").ValueKind == JsonValueKind.Object);
        Assert.Equal(district, told.GetProperty("region").GetString());
        AssertSeal(told, certificate.Body);
    }

    /// <summary>The certificate as issued, now with who withdrew it, when and why.</summary>
    private static void AssertWithdrawn(JsonElement withdrawn, JsonElement issued, string by, string reason)
    {
        foreach (var field in new[] { "contest", "region", "digest", "certifiedBy", "certifiedAt" })
            Assert.Equal(issued.GetProperty(field).GetRawText(), withdrawn.GetProperty(field).GetRawText());
        var withdrawal = withdrawn.GetProperty("withdrawn");
        Assert.True(withdrawal.ValueKind == JsonValueKind.Object, withdrawn.ToString());
        Assert.Equal(by, withdrawal.GetProperty("by").GetString());
        Assert.Equal(reason, withdrawal.GetProperty("reason").GetString());
        Assert.True(withdrawal.GetProperty("at").GetDateTime() >= issued.GetProperty("certifiedAt").GetDateTime(), withdrawn.ToString());
    }
}
