using System.Text;
using KpuOrleans.Forms;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;
using Microsoft.IdentityModel.JsonWebTokens;

namespace KpuOrleans.Simulator.Tests;

/// <summary>Which office signs a night's form or batch: the narrowest one whose region holds all of it.</summary>
public class OfficerTokensTests
{
    private static readonly OfficerTokens Officers = new(Encoding.UTF8.GetBytes("a test key of thirty-two bytes!!"));

    [Fact]
    public void A_first_form_is_signed_by_its_KPPS_and_a_correction_by_its_village_s_PPS()
    {
        var form = Form("35.78.01.1001.001");

        Assert.Equal(("35.78.01.1001.001", "kpps"), Office(Officers.For(form)));
        Assert.Equal(("35.78.01.1001", "pps"), Office(Officers.For(form with { Version = 2, Reason = "recount" })));
    }

    [Theory]
    [InlineData("35.78.01.1001.001,35.78.01.1001.001", "35.78.01.1001", "pps")]
    [InlineData("35.78.01.1001.001,35.78.01.1001.002", "35.78.01.1001", "pps")]
    [InlineData("35.78.01.1001.001,35.78.01.1002.001", "35.78.01", "ppk")]
    [InlineData("35.78.01.1001.001,35.78.02.1001.001", "35.78", "kabkota")]
    [InlineData("35.78.01.1001.001,35.78.01.1002.001,35.01.01.2001.001", "35", "provinsi")]
    public void A_batch_is_signed_by_the_narrowest_office_holding_all_of_it(string stations, string region, string role)
    {
        var forms = stations.Split(',').Select(Form).ToList();

        Assert.Equal((region, role), Office(Officers.For(forms)));
    }

    [Fact]
    public void A_batch_whose_codes_share_digits_but_not_a_segment_goes_up_to_the_shared_segment()
    {
        // 35.78.01.1001.… and 35.78.01.1002.… agree up to "35.78.01.100": a string prefix, not a region.
        var (region, _) = Office(Officers.For([Form("35.78.01.1001.001"), Form("35.78.01.1002.001")]));

        Assert.Equal("35.78.01", region);
    }

    [Fact]
    public void A_form_broken_to_claim_no_code_is_still_signed_for_what_it_claims_so_that_the_gateway_judges_it()
    {
        // The hostile night's poison: the simulator must put such a form in front of the gateway, not throw.
        var poisoned = Form("35.78.01.1001.001") with { Tps = "35.78.01.1001.001\u001b" };

        Assert.Equal(("35.78.01.1001.001\u001b", "kpps"), Office(Officers.For(poisoned)));
        Assert.Equal(("35.78.01.1001", "pps"), Office(Officers.For([poisoned, Form("35.78.01.1001.002")])));
    }

    [Theory]
    [InlineData("0", "kpuri")]
    [InlineData("31", "provinsi")]
    [InlineData("35", "provinsi")]
    [InlineData("35.78", "kabkota")]
    [InlineData("35.78.01", "ppk")]
    [InlineData("35.78.01.1001", "pps")]
    public void An_office_s_role_follows_its_region_s_level(string region, string role)
    {
        Assert.Equal((region, role), Office(Officers.ForOffice(region)));
    }

    private static ResultForm Form(string tps)
    {
        var station = Jatim.Registry.Get(tps);
        return SampleForms.Valid(station, station.Contests[0], new Random(1));
    }

    private static (string Region, string Role) Office(string token)
    {
        var jwt = new JsonWebToken(token);
        return (jwt.GetClaim("region").Value, jwt.GetClaim("role").Value);
    }
}
