using System.Net;
using System.Text.Json;
using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

public partial class CertificationTests
{
    [Fact]
    public async Task Only_the_districts_own_PPK_certifies_it_and_only_certifying_tiers_of_covering_contests_exist()
    {
        var district = Smallest[1];
        var regency = Jatim.Registry.Get(district).Parent!;
        var tps = Jatim.Registry.TpsUnder(district).First().Code;
        var other = Jatim.Registry.Get(regency).Children.First(code => code != district);
        // Filled, so that any refusal that slipped through would have certified it.
        await FillAsync(district, Governor, seed: 30);

        var wrongOfficers = new (string Region, string Role, string Why)[]
        {
            (tps, "kpps", "a KPPS"),
            (VillageOf(tps), "pps", "a PPS of a village of the district"),
            (other, "ppk", "the PPK of another district"),
            (regency, "kabkota", "the KPU of its own regency"),
            ("35", "provinsi", "KPU Provinsi"),
        };
        foreach (var (region, role, why) in wrongOfficers)
        {
            var answer = await CertifyAsync(Governor, district, Token(region, role));
            Assert.True(answer.Status == HttpStatusCode.Forbidden, $"{why}: {answer}");
            Assert.Equal("Outside your scope", answer.Title);
            Assert.Contains(district, answer.Detail);
        }
        // One level up the same holds: a regency is its own KPU's, not KPU Provinsi's.
        var province = await CertifyAsync(Governor, regency, Token("35", "provinsi"));
        Assert.True(province.Status == HttpStatusCode.Forbidden, province.ToString());
        Assert.Contains(regency, province.Detail);

        var anonymous = await CertifyAsync(Governor, district, token: null);
        Assert.True(anonymous.Status == HttpStatusCode.Unauthorized, anonymous.ToString());
        Assert.Equal("Not authenticated", anonymous.Title);
        var anonymousWithdrawal = await WithdrawAsync(Governor, district, null, Reason("no token"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousWithdrawal.Status);
        await AssertNotCertifiedAsync(Governor, district);
        await AssertNotCertifiedAsync(Governor, regency);

        // Villages and TPS do not certify; the token is a valid one of theirs, so only the tier is at fault.
        foreach (var (code, role) in new[] { (VillageOf(tps), "pps"), (tps, "kpps") })
        {
            var answer = await CertifyAsync(Governor, code, Token(code, role));
            Assert.True(answer.Status == HttpStatusCode.UnprocessableEntity, $"{code}: {answer}");
            Assert.True(answer.Body.GetProperty("errors").TryGetProperty("code", out _), answer.ToString());
        }

        foreach (var (contest, code, named) in new[]
                 {
                     ("PGUB-99", district, "PGUB-99"),
                     (Governor, "35.99.01", "35.99.01"),
                     ("PBUP-35.07", "35.78.01", "does not cover"),
                 })
        {
            var answer = await CertifyAsync(contest, code, Token(code, "ppk"));
            Assert.True(answer.Status == HttpStatusCode.NotFound, $"{contest} {code}: {answer}");
            Assert.Contains(named, answer.Detail);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/v1/export/PGUB-99/certificates.json", null)).Status);

        // None of it was held against the district: its own PPK certifies it now.
        Assert.Equal(HttpStatusCode.Created, (await CertifyAsync(Governor, district, Token(district, "ppk"))).Status);
    }

    [Fact]
    public async Task The_same_officer_certifying_again_gets_the_same_certificate_and_another_officer_is_told_who_certified()
    {
        var district = Smallest[2];
        await FillAsync(district, Governor, seed: 40);
        var first = await CertifyAsync(Governor, district, Token(district, "ppk", subject: "ppk-first"));
        Assert.True(first.Status == HttpStatusCode.Created, first.ToString());

        var retry = await CertifyAsync(Governor, district, Token(district, "ppk", subject: "ppk-first"));
        Assert.True(retry.Status == HttpStatusCode.OK, retry.ToString());
        Assert.Equal(first.Body.GetRawText(), retry.Body.GetRawText());

        var second = await CertifyAsync(Governor, district, Token(district, "ppk", subject: "ppk-second"));
        Assert.True(second.Status == HttpStatusCode.Conflict, second.ToString());
        Assert.Equal("Already certified", second.Title);
        Assert.Contains("ppk-first", second.Detail);
        var shown = second.Body.GetProperty("certificate");
        foreach (var field in new[] { "region", "digest", "certifiedBy", "certifiedAt" })
            Assert.Equal(first.Body.GetProperty(field).GetRawText(), shown.GetProperty(field).GetRawText());

        // Still exactly one certificate, the first officer's.
        var issued = (await ExportAsync(Governor)).Where(c => c.GetProperty("region").GetString() == district).ToList();
        Assert.Equal(first.Body.GetRawText(), Assert.Single(issued).GetRawText());
        Assert.Equal("ppk-first", (await TallyAsync(Governor, district)).GetProperty("certified").GetProperty("by").GetString());
    }

    [Fact]
    public async Task A_correction_below_a_certified_district_is_refused_and_changes_nothing_while_a_retry_of_the_first_form_is_answered()
    {
        var district = Smallest[3];
        var forms = await FillAsync(district, Governor, seed: 50);
        var certificate = await CertifyAsync(Governor, district, Token(district, "ppk"));
        Assert.True(certificate.Status == HttpStatusCode.Created, certificate.ToString());
        var before = await TallyAsync(Governor, district);

        var first = forms[0];
        var tps = Jatim.Registry.Get(first.Tps);
        var correction = SampleForms.Correction(first, tps, Contest(Governor), new Random(51));
        var refused = await PostFormAsync(correction, Token(VillageOf(tps.Code), "pps"));
        Assert.True(refused.Status == HttpStatusCode.Conflict, refused.ToString());
        Assert.Equal("Certified", refused.Title);
        Assert.Contains(district, refused.Detail);
        Assert.Contains(Subject(district, "ppk"), refused.Detail);

        // Nothing stored: the TPS still has only its first form, the district its certified tally.
        var history = await GetJsonAsync($"/api/v1/tps/{tps.Code}/results/{Governor}");
        Assert.Equal(1, history.GetProperty("current").GetProperty("version").GetInt64());
        Assert.Single(history.GetProperty("history").EnumerateArray());
        var after = await TallyAsync(Governor, district);
        Assert.Equal(before.GetProperty("version").GetInt64(), after.GetProperty("version").GetInt64());
        Assert.Equal(certificate.Body.GetProperty("digest").GetString(), after.GetProperty("digest").GetString());

        // A KPPS whose answer was lost still gets it: the first form is not a change.
        var retry = await PostFormAsync(first, Token(first.Tps, "kpps"));
        Assert.True(retry.Status == HttpStatusCode.OK, retry.ToString());
        Assert.Equal(1, retry.Body.GetProperty("version").GetInt64());
    }
}
