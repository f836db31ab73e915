using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KpuOrleans.TestKit;
using static KpuOrleans.Gateway.Tests.National.NationalHost;

namespace KpuOrleans.Gateway.Tests.National;

/// <summary>
/// API.md "The whole country", KPU RI's token and the provinces' borders: a <c>provinsi</c> token of Jawa Timur is
/// refused in DKI Jakarta (forms, certificates, disputes); <c>kpuri</c> at <c>0</c> resolves and withdraws anywhere but
/// writes no form and certifies nothing; a role at the wrong level is refused. Each test owns its own TPS and districts
/// (Jakarta's Kepulauan Seribu, 31.01, and Jawa Timur's Kota Mojokerto, 35.76).
/// </summary>
[Collection(NationalCollection.Name)]
public class NationalScopeTests(NationalHost host)
{
    private const string Jakarta = "PGUB-31";
    private const string JawaTimur = "PGUB-35";
    private static readonly string Provinsi35 = Token("35", "provinsi");
    private static readonly string KpuRi = Token("0", "kpuri");

    [Fact]
    public async Task A_provinsi_token_of_Jawa_Timur_sends_no_form_for_a_Jakarta_TPS_and_its_own_province_is_still_its_own()
    {
        var jakarta = host.Registry.TpsUnder("31.01.01").First();
        var form = SampleForms.Valid(jakarta, host.Registry.FindContest(Jakarta)!, new Random(1));

        var refused = await host.PostFormAsync(form, Provinsi35);
        Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.ToString());
        Assert.Equal("Outside your scope", refused.Title);
        Assert.Contains(jakarta.Code, refused.Detail);
        Assert.Contains("region 35", refused.Detail);
        await AssertNothingStoredAsync(jakarta.Code, Jakarta);

        // The same token in its own province, and Jakarta's own KPU Provinsi in Jakarta.
        var own = host.Registry.TpsUnder("35.76.01").First();
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(SampleForms.Valid(own, host.Registry.FindContest(JawaTimur)!, new Random(2)), Provinsi35)).Status);
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(form, Token("31", "provinsi"))).Status);
    }

    [Fact]
    public async Task KPU_RI_reads_with_its_token_but_sends_no_form_alone_or_in_a_batch()
    {
        foreach (var path in new[] { "/api/v1/progress/0", $"/api/v1/tally/{Jakarta}/31", "/api/v1/disputes?region=0" })
        {
            var read = await host.SendAsync(HttpMethod.Get, path, KpuRi);
            Assert.True(read.Status == HttpStatusCode.OK, $"{path}: {read}");
        }

        var jakarta = host.Registry.TpsUnder("31.01.01").Skip(1).First();
        var form = SampleForms.Valid(jakarta, host.Registry.FindContest(Jakarta)!, new Random(3));

        var single = await host.PostFormAsync(form, KpuRi);
        Assert.True(single.Status == HttpStatusCode.Forbidden, single.ToString());
        Assert.Equal("Outside your scope", single.Title);
        Assert.Contains("kpuri", single.Detail);
        Assert.Contains("writes no form", single.Detail);

        var batch = new JsonObject { ["forms"] = new JsonArray(ApiJson.Form(form)) };
        var answer = await host.SendAsync(HttpMethod.Post, "/api/v1/results/batch", KpuRi, batch);
        Assert.True(answer.Status == HttpStatusCode.OK, answer.ToString());
        var item = Assert.Single(answer.Body.GetProperty("results").EnumerateArray());
        Assert.Equal(403, item.GetProperty("status").GetInt32());
        Assert.Contains("kpuri", item.ToString());
        await AssertNothingStoredAsync(jakarta.Code, Jakarta);
    }

    [Fact]
    public async Task Certificates_are_their_own_provinces_and_KPU_RI_certifies_nothing_but_withdraws_anywhere()
    {
        const string district = "31.01.02"; // Kepulauan Seribu Selatan: Jakarta's smallest district
        await host.FillAsync(district, Jakarta, seed: 4);

        foreach (var (code, token, why) in new[]
                 {
                     (district, Provinsi35, "KPU Provinsi of Jawa Timur, a district of Jakarta"),
                     ("31.01", Provinsi35, "KPU Provinsi of Jawa Timur, a regency of Jakarta"),
                     ("31", Provinsi35, "KPU Provinsi of Jawa Timur, Jakarta"),
                     (district, KpuRi, "KPU RI, a district"),
                     ("31.01", KpuRi, "KPU RI, a regency"),
                     ("31", KpuRi, "KPU RI, a province"),
                 })
        {
            var answer = await CertifyAsync(Jakarta, code, token);
            Assert.True(answer.Status == HttpStatusCode.Forbidden, $"{why}: {answer}");
            Assert.Equal("Outside your scope", answer.Title);
            Assert.Contains(code, answer.Detail);
            if (token == KpuRi) Assert.Contains("kpuri", answer.Detail);
        }
        // No race covers the nation: there is nothing to certify at 0, for anyone.
        var root = await CertifyAsync(Jakarta, "0", KpuRi);
        Assert.True(root.Status == HttpStatusCode.NotFound, root.ToString());
        await AssertNotCertifiedAsync(district);

        var issued = await CertifyAsync(Jakarta, district, Token(district, "ppk"));
        Assert.True(issued.Status == HttpStatusCode.Created, issued.ToString());

        var foreign = await WithdrawAsync(district, Provinsi35);
        Assert.True(foreign.Status == HttpStatusCode.Forbidden, foreign.ToString());
        Assert.Equal("Outside your scope", foreign.Title);
        Assert.Contains(district, foreign.Detail);
        Assert.Contains("region 35", foreign.Detail);
        Assert.Equal("ppk-" + district, (await host.ReadAsync($"/api/v1/tally/{Jakarta}/{district}")).GetProperty("certified").GetProperty("by").GetString());

        var withdrawn = await WithdrawAsync(district, KpuRi);
        Assert.True(withdrawn.Status == HttpStatusCode.OK, withdrawn.ToString());
        Assert.Equal("kpuri-0", withdrawn.Body.GetProperty("withdrawn").GetProperty("by").GetString());
        await AssertNotCertifiedAsync(district);
    }

    [Fact]
    public async Task A_dispute_about_a_Jakarta_TPS_is_resolved_by_KPU_RI_not_by_Jawa_Timur()
    {
        var jakarta = host.Registry.TpsUnder("31.01.01").Skip(2).First();
        var form = SampleForms.Valid(jakarta, host.Registry.FindContest(Jakarta)!, new Random(5));
        Assert.Equal(HttpStatusCode.Created, (await host.PostFormAsync(form, Token(jakarta.Code, "kpps"))).Status);
        var opened = await host.SendAsync(HttpMethod.Post, "/api/v1/disputes", body: new JsonObject
        {
            ["tps"] = jakarta.Code, ["contest"] = Jakarta, ["field"] = "valid", ["note"] = "the photo shows another total",
        });
        Assert.True(opened.Status == HttpStatusCode.Created, opened.ToString());
        var id = opened.Body.GetProperty("id").ToString();
        var dismissal = new JsonObject { ["outcome"] = "dismissed", ["reason"] = "the photo agrees with the form" };

        var refused = await host.SendAsync(HttpMethod.Post, $"/api/v1/disputes/{id}/resolve", Provinsi35, dismissal);
        Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.ToString());
        Assert.Equal("Outside your scope", refused.Title);
        Assert.Contains(jakarta.Code, refused.Detail);
        Assert.Equal("open", (await host.ReadAsync($"/api/v1/disputes/{id}")).GetProperty("status").GetString());

        var resolved = await host.SendAsync(HttpMethod.Post, $"/api/v1/disputes/{id}/resolve", KpuRi, dismissal);
        Assert.True(resolved.Status == HttpStatusCode.OK, resolved.ToString());
        Assert.Equal("resolved", resolved.Body.GetProperty("status").GetString());
        Assert.Equal("kpuri-0", resolved.Body.GetProperty("resolution").GetProperty("by").GetString());
    }

    public static TheoryData<string, string, string> Mismatched => new()
    {
        // region, role, the level the role works at
        { "35", "kpuri", "Nation" },
        { "35.76", "kpuri", "Nation" },
        { "0", "provinsi", "Province" },
        { "0", "ppk", "District" },
    };

    [Theory]
    [MemberData(nameof(Mismatched))]
    public async Task A_role_whose_region_is_at_another_level_is_refused_everywhere(string region, string role, string level)
    {
        var token = Token(region, role);
        var tps = host.Registry.TpsUnder("35.76.02").Last();
        var form = SampleForms.Valid(tps, host.Registry.FindContest(JawaTimur)!, new Random(6));

        var submitted = await host.PostFormAsync(form, token);
        Assert.True(submitted.Status == HttpStatusCode.Forbidden, submitted.ToString());
        Assert.Contains($"role '{role}' works at {level} level", submitted.Detail);
        Assert.Contains(region, submitted.Detail);
        await AssertNothingStoredAsync(tps.Code, JawaTimur);

        var withdrawal = await WithdrawAsync(JawaTimur, "35.76.02", token);
        Assert.True(withdrawal.Status == HttpStatusCode.Forbidden, withdrawal.ToString());
        Assert.Contains($"role '{role}' works at {level} level", withdrawal.Detail);
    }

    private Task<Answer> CertifyAsync(string contest, string code, string token) =>
        host.SendAsync(HttpMethod.Post, $"/api/v1/certify/{contest}/{code}", token);

    private Task<Answer> WithdrawAsync(string code, string token) => WithdrawAsync(Jakarta, code, token);

    private Task<Answer> WithdrawAsync(string contest, string code, string token) =>
        host.SendAsync(HttpMethod.Delete, $"/api/v1/certify/{contest}/{code}", token, new JsonObject { ["reason"] = "recount ordered" });

    private async Task AssertNothingStoredAsync(string tps, string contest)
    {
        var history = await host.SendAsync(HttpMethod.Get, $"/api/v1/tps/{tps}/results/{contest}");
        Assert.True(history.Status == HttpStatusCode.NotFound, history.ToString());
        Assert.Equal(0, (await host.ReadAsync($"/api/v1/tally/{contest}/{tps}")).GetProperty("version").GetInt64());
    }

    private async Task AssertNotCertifiedAsync(string district) =>
        Assert.Equal(System.Text.Json.JsonValueKind.Null,
            (await host.ReadAsync($"/api/v1/tally/{Jakarta}/{district}")).GetProperty("certified").ValueKind);
}
