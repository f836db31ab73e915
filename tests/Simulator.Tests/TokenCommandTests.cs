using System.Text;
using KpuOrleans.Simulator.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KpuOrleans.Simulator.Tests;

/// <summary><c>simulator token</c>: a token of API.md's shape that the gateway's validation accepts, and clear refusals.</summary>
public class TokenCommandTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a test key of thirty-two bytes!!");

    [Fact]
    public async Task Prints_a_token_with_the_documented_claims_signed_with_the_key()
    {
        var output = new StringWriter();
        var exitCode = TokenCommand.Run(["--region", "35.78.01", "--role", "ppk", "--expires", "2h", "--subject", "ppk-karangpilang"],
            output, Convert.ToBase64String(Key));

        Assert.Equal(0, exitCode);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(output.ToString().Trim(), new TokenValidationParameters
        {
            ValidAudience = "kpu-orleans",
            ValidateIssuer = false,
            IssuerSigningKey = new SymmetricSecurityKey(Key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("kpu-orleans", result.Claims["iss"]);
        Assert.Equal("ppk-karangpilang", result.Claims["sub"]);
        Assert.Equal("35.78.01", result.Claims["region"]);
        Assert.Equal("ppk", result.Claims["role"]);
        var expires = ((JsonWebToken)result.SecurityToken).ValidTo;
        Assert.InRange(expires - DateTime.UtcNow, TimeSpan.FromMinutes(119), TimeSpan.FromMinutes(121));
    }

    [Fact]
    public async Task Prints_KPU_RI_s_token_for_the_nation()
    {
        var output = new StringWriter();
        var exitCode = TokenCommand.Run(["--role", "kpuri", "--region", "0"], output, Convert.ToBase64String(Key));

        Assert.Equal(0, exitCode);
        var token = new JsonWebToken(output.ToString().Trim());
        Assert.Equal(("0", "kpuri", "kpuri-0"), (token.GetClaim("region").Value, token.GetClaim("role").Value, token.Subject));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidAudience = "kpu-orleans",
            ValidateIssuer = false,
            IssuerSigningKey = new SymmetricSecurityKey(Key),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Theory]
    [InlineData("--role ppk", "--region is required")]
    [InlineData("--region 35.78.01 --role chief", "--role must be one of")]
    [InlineData("--region 35.78.01 --role ppk --expires soon", "--expires must be")]
    [InlineData("--region 35.78.01 --role ppk --key c2hvcnQ=", "needs at least 256")]
    [InlineData("--region 35.78.01 --role ppk --colour red", "unknown option --colour")]
    [InlineData("--region 35.78.01 --role ppk --expires 25h", "longer than the gateways accept (Auth__MaxTokenLifetime")]
    [InlineData("--region 35.78.01 --role ppk --expires 2d", "longer than the gateways accept")]
    public void Refuses_what_it_cannot_mint_and_says_why(string args, string error)
    {
        var output = new StringWriter();

        var exitCode = TokenCommand.Run(args.Split(' '), output, Convert.ToBase64String(Key));

        Assert.Equal(2, exitCode);
        Assert.Contains(error, output.ToString());
    }

    [Fact]
    public void Without_a_key_it_says_where_one_comes_from()
    {
        var output = new StringWriter();
        Assert.Equal(2, TokenCommand.Run(["--region", "35", "--role", "provinsi"], output, keyFromEnvironment: null));
        Assert.Contains("Auth__SigningKey", output.ToString());
    }

    [Fact]
    public void Carries_the_issuer_it_is_given()
    {
        var output = new StringWriter();
        Assert.Equal(0, TokenCommand.Run(["--region", "35", "--role", "provinsi", "--issuer", "kpu-jatim", "--expires", "24h"], output, Convert.ToBase64String(Key)));
        Assert.Equal("kpu-jatim", new JsonWebToken(output.ToString().Trim()).Issuer);
    }
}
