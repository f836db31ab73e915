using System.Text.Json;
using KpuOrleans.Gateway.Api;

namespace KpuOrleans.Gateway.Tests;

/// <summary>
/// How FormJson reads a number: digits straight into an integer, an integer written oddly (1e3, 300.0) as that integer,
/// anything else as a rule-2 fault quoting the number as sent. The messages are the API's, so they are checked whole.
/// </summary>
public class FormNumberTests
{
    private static readonly string Good = GatewayHost.ToJson(SubmitTests.FormFor("35.78.01.1001.001")).ToJsonString();

    private static FormJson Read(string version)
    {
        using var document = JsonDocument.Parse(Good.Replace("\"version\":1", $"\"version\":{version}", StringComparison.Ordinal));
        return FormJson.Read(document.RootElement);
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("-3", -3)]
    [InlineData("-0", 0)]
    [InlineData("1e3", 1000)]
    [InlineData("1E+2", 100)]
    [InlineData("300.0", 300)]
    [InlineData("2.50e1", 25)]
    [InlineData("10e-1", 1)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void An_integer_however_written_reads_as_that_integer(string written, long expected)
    {
        var read = Read(written);

        Assert.NotNull(read.Form);
        Assert.Equal(expected, read.Form.Version);
        Assert.Empty(read.Unreadable);
        Assert.Empty(read.ShapeErrors);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("1e30")]
    [InlineData("1e-3")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("123456789012345678901234567890123")]
    public void A_number_that_is_no_integer_in_range_is_a_rule_2_fault_quoting_it(string written)
    {
        var read = Read(written);

        Assert.NotNull(read.Form);
        Assert.Equal(0, read.Form.Version);
        var message = Assert.Single(read.Unreadable);
        Assert.Equal("version", message.Key);
        Assert.Equal($"version ({written}) must be an integer from 0 to 100,000", message.Value);
    }

    [Fact]
    public void A_string_where_a_number_belongs_is_a_shape_fault()
    {
        var read = Read("\"1\"");

        Assert.Null(read.Form);
        Assert.Equal(["version must be a number"], read.ShapeErrors["version"]);
    }
}
