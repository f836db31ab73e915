using KpuOrleans.TestKit;

namespace KpuOrleans.Gateway.Tests;

/// <summary>The parser the metrics tests rely on, on the corners a real scrape rarely shows.</summary>
public class PrometheusScrapeTests
{
    [Fact]
    public void The_parser_reads_labels_escapes_special_values_and_timestamps()
    {
        const string text = """
            # HELP a_total A counter.
            # TYPE a_total counter
            a_total{otel_scope_name="KpuOrleans",outcome="new"} 3
            a_total{otel_scope_name="KpuOrleans",outcome="retry"} 1 1700000000000
            a_total{outcome="odd \"one\", \\ with\nnewline",} 2.5e1
            b_bucket{le="+Inf"} +Inf
            c NaN
            d_seconds -Inf
            """;

        var parsed = PrometheusScrape.Parse(text.Replace("\n", "\r\n"));

        Assert.Equal("counter", parsed.Types["a_total"]);
        Assert.Equal(29, parsed.Sum("a_total"));
        Assert.Equal(3, parsed.Sum("a_total", ("outcome", "new"), ("otel_scope_name", "KpuOrleans")));
        Assert.Equal(25, parsed.Sum("a_total", ("outcome", "odd \"one\", \\ with\nnewline")));
        Assert.Equal(0, parsed.Sum("a_total", ("outcome", "gone")));
        Assert.Equal(double.PositiveInfinity, parsed.Sum("b_bucket", ("le", "+Inf")));
        Assert.True(double.IsNaN(parsed.Sum("c")));
        Assert.Equal(double.NegativeInfinity, parsed.Sum("d_seconds"));
        Assert.Throws<FormatException>(() => PrometheusScrape.Parse("a_total{outcome=\"new} 3"));
        Assert.Throws<FormatException>(() => PrometheusScrape.Parse("a_total{outcome=new} 3"));
        Assert.Throws<FormatException>(() => PrometheusScrape.Parse("a_total 3 4 5"));
        Assert.Throws<FormatException>(() => PrometheusScrape.Parse("a_total three"));
    }
}
