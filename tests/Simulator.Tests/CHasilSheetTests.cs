using System.Security.Cryptography;
using KpuOrleans.Forms;
using KpuOrleans.Simulator.Photos;
using SkiaSharp;

namespace KpuOrleans.Simulator.Tests;

/// <summary>
/// The synthetic C.Hasil photo: the same bytes every time, a real PNG of the promised size, and numbers that are
/// really drawn: read back here from the pixels, one sample per seven-segment bar, without trusting the renderer.
/// </summary>
public class CHasilSheetTests
{
    private static readonly ResultForm Form = new("35.78.01.1001.004", "PGUB-35", 2, 512,
        new VotedCounts(301, 3, 1), new BallotCounts(525, 305, 2, 218),
        new Dictionary<string, long> { ["1"] = 10, ["2"] = 200, ["3"] = 90 }, 300, 5, "recount", null);

    [Fact]
    public void The_same_form_renders_the_same_bytes_and_another_version_other_bytes()
    {
        var first = CHasilSheet.Render(Form, 1, 1);
        var again = CHasilSheet.Render(Form with { Votes = new Dictionary<string, long>(Form.Votes) }, 1, 1);
        var corrected = CHasilSheet.Render(Form with { Version = 3 }, 1, 1);

        Assert.Equal(SHA256.HashData(first), SHA256.HashData(again));
        Assert.NotEqual(SHA256.HashData(first), SHA256.HashData(corrected));
    }

    [Fact]
    public void It_decodes_as_a_png_of_the_sheet_size()
    {
        var png = CHasilSheet.Render(Form, 1, 1);

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        using var codec = SKCodec.Create(new MemoryStream(png));
        Assert.NotNull(codec);
        Assert.Equal(SKEncodedImageFormat.Png, codec.EncodedFormat);
        Assert.Equal(new SKSizeI(CHasilSheet.Width, CHasilSheet.Height), codec.Info.Size);
    }

    [Fact]
    public void Every_number_of_the_form_and_the_tps_code_read_back_from_the_pixels()
    {
        using var image = SKBitmap.Decode(CHasilSheet.Render(Form, 1, 1));

        var read = ReadRows(image, CHasilSheet.Rows(Form));

        Assert.Equal(CHasilSheet.Rows(Form).ToDictionary(r => r.Field, r => r.Value), read);
        Assert.Equal(512, read["registered"]);
        Assert.Equal(200, read["votes.2"]);
        Assert.Equal("35.78.01.1001.004", ReadTpsCode(image, Form.Tps));
    }

    [Fact]
    public void Pages_split_the_rows_in_order_and_each_page_shows_its_own()
    {
        var rows = CHasilSheet.Rows(Form);
        var pages = Enumerable.Range(1, 3).Select(p => CHasilSheet.RowsOnPage(rows, p, 3)).ToList();

        Assert.Equal(rows, pages.SelectMany(p => p));
        Assert.All(pages, p => Assert.NotEmpty(p));
        using var second = SKBitmap.Decode(CHasilSheet.Render(Form, 2, 3));
        Assert.Equal(pages[1].ToDictionary(r => r.Field, r => r.Value), ReadRows(second, pages[1]));
        Assert.Equal(3, Enumerable.Range(1, 3).Select(p => Convert.ToHexString(SHA256.HashData(CHasilSheet.Render(Form, p, 3)))).Distinct().Count());
    }

    [Fact]
    public void A_changed_sheet_differs_from_the_form_in_exactly_the_changed_field()
    {
        using var image = SKBitmap.Decode(CHasilSheet.Render(Form, 1, 1, new SheetChange("votes.3", 98)));

        var read = ReadRows(image, CHasilSheet.Rows(Form));
        var expected = CHasilSheet.Rows(Form).ToDictionary(r => r.Field, r => r.Value);

        var differing = Assert.Single(read, r => expected[r.Key] != r.Value);
        Assert.Equal(("votes.3", 98L), (differing.Key, differing.Value));
    }

    /// <summary>Reads each row's number from the cells the layout says it occupies, one pixel per bar.</summary>
    internal static Dictionary<string, long> ReadRows(SKBitmap image, IReadOnlyList<SheetRow> rows)
    {
        var numbers = new Dictionary<string, long>();
        foreach (var place in CHasilSheet.Layout(rows))
        {
            var text = string.Concat(place.Cells.Select(cell => ReadDigit(image, cell) switch
            {
                -1 => "",
                -2 => throw new Xunit.Sdk.XunitException($"{place.Row.Field}: a cell shows bars that make no digit"),
                var d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }));
            Assert.False(text.Length == 0, $"{place.Row.Field}: no digit drawn");
            numbers[place.Row.Field] = long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        }
        return numbers;
    }

    /// <summary>The places come from the code's layout (a dot is narrower than a digit); what is in them, from the pixels.</summary>
    private static string ReadTpsCode(SKBitmap image, string tps) =>
        string.Concat(CHasilSheet.TpsCodePlaces(tps).Select(p => p.Cell.Width < p.Cell.Height / 2
            ? Inked(image, CHasilSheet.DotOf(p.Cell).Centre) ? "." : "?"
            : ReadDigit(image, p.Cell) is >= 0 and var d ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?"));

    private static int ReadDigit(SKBitmap image, DigitCell cell)
    {
        byte pattern = 0;
        for (var bar = 0; bar < SevenSegments.Count; bar++)
        {
            if (Inked(image, SevenSegments.Bar(cell, bar).Centre)) pattern |= (byte)(1 << bar);
        }
        return SevenSegments.DigitOf(pattern);
    }

    private static bool Inked(SKBitmap image, (int X, int Y) at) => image.GetPixel(at.X, at.Y).Red < 128;
}
