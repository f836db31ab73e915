using System.Globalization;
using KpuOrleans.Forms;

namespace KpuOrleans.Simulator.Photos;

/// <summary>One number of the form as a sheet shows it: its field as API.md names it (and a dispute names it), a label, the value.</summary>
internal sealed record SheetRow(string Field, string Label, long Value);

/// <summary>A sheet that shows another number than the form for one field: what a dispute is about.</summary>
internal sealed record SheetChange(string Field, long Shown);

/// <summary>Where a row's number is drawn: one seven-segment cell per digit, right-aligned.</summary>
internal sealed record RowPlace(SheetRow Row, IReadOnlyList<DigitCell> Cells);

/// <summary>
/// A synthetic photo of a C.Hasil form: a grey page with the TPS code, the race, the page and version, then one row
/// per field, its label in dot letters and its number in seven-segment digits, so that a person can hold it beside the
/// numbers and compare. A form of several pages splits its rows in order across them, each page with the header.
/// The same form, page and change always give the same bytes, so a photo sent again has the same name.
/// </summary>
internal static class CHasilSheet
{
    public const int Width = 1000;
    public const int Height = 1400;

    /// <summary>Digits per number: the rules cap every number at 100,000.</summary>
    public const int DigitsPerNumber = 6;

    private const int Margin = 60;
    private const int RowsTop = 330;
    private const int RowsBottom = Height - 50;
    private const int TpsDigitHeight = 40;

    /// <summary>Every number of the form in the form's order, votes by ballot number.</summary>
    public static IReadOnlyList<SheetRow> Rows(ResultForm form) =>
    [
        new("registered", "TERDAFTAR DPT", form.Registered),
        new("voted.dpt", "PEMILIH DPT", form.Voted.Dpt),
        new("voted.dptb", "PEMILIH DPTB", form.Voted.Dptb),
        new("voted.dpk", "PEMILIH DPK", form.Voted.Dpk),
        new("ballots.received", "SURAT DITERIMA", form.Ballots.Received),
        new("ballots.used", "SURAT DIGUNAKAN", form.Ballots.Used),
        new("ballots.spoiled", "SURAT RUSAK", form.Ballots.Spoiled),
        new("ballots.unused", "SURAT SISA", form.Ballots.Unused),
        .. form.Votes.OrderBy(v => BallotOrder(v.Key)).ThenBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => new SheetRow($"votes.{v.Key}", $"SUARA NO {v.Key}", v.Value)),
        new("valid", "SUARA SAH", form.Valid),
        new("invalid", "TIDAK SAH", form.Invalid),
    ];

    /// <summary>The rows page <paramref name="page"/> (1-based) of <paramref name="pages"/> shows: the rows in order, split as evenly as they go.</summary>
    public static IReadOnlyList<SheetRow> RowsOnPage(IReadOnlyList<SheetRow> rows, int page, int pages)
    {
        var from = rows.Count * (page - 1) / pages;
        var to = rows.Count * page / pages;
        return [.. rows.Skip(from).Take(to - from)];
    }

    /// <summary>Where each row of a page is drawn.</summary>
    public static IReadOnlyList<RowPlace> Layout(IReadOnlyList<SheetRow> rows)
    {
        if (rows.Count == 0) return [];
        var pitch = Math.Min(72, (RowsBottom - RowsTop) / rows.Count);
        var digitHeight = Math.Max(14, Math.Min(52, pitch - 16));
        var cellWidth = DigitCell.At(0, 0, digitHeight).Width;
        var step = cellWidth + Math.Max(4, digitHeight / 4);
        var left = Width - Margin - DigitsPerNumber * step;
        return [.. rows.Select((row, i) => new RowPlace(row,
            [.. Enumerable.Range(0, DigitsPerNumber).Select(d => DigitCell.At(left + d * step, RowsTop + i * pitch + (pitch - digitHeight) / 2, digitHeight))]))];
    }

    /// <summary>Where the TPS code's characters are drawn: a digit cell, or a dot (a filled square) for '.'.</summary>
    public static IReadOnlyList<(char Character, DigitCell Cell)> TpsCodePlaces(string tps)
    {
        var places = new List<(char, DigitCell)>(tps.Length);
        var x = Margin + 150;
        foreach (var c in tps)
        {
            var cell = DigitCell.At(x, 130, TpsDigitHeight);
            places.Add((c, c == '.' ? cell with { Width = cell.Thickness + 4 } : cell));
            x += (c == '.' ? cell.Thickness + 4 : cell.Width) + 8;
        }
        return places;
    }

    /// <summary>The dot drawn for a '.' of the TPS code.</summary>
    public static PixelRect DotOf(DigitCell cell) => new(cell.X, cell.Y + cell.Height - cell.Thickness, cell.Thickness, cell.Thickness);

    /// <summary>Page <paramref name="page"/> (1-based) of <paramref name="pages"/> of the form, as PNG; with <paramref name="change"/>, one field shows another number.</summary>
    public static byte[] Render(ResultForm form, int page, int pages, SheetChange? change = null)
    {
        if (pages < 1 || page < 1 || page > pages) throw new ArgumentOutOfRangeException(nameof(page), $"page {page} of {pages}");
        var sheet = new GrayPage(Width, Height);
        sheet.Text("MODEL C.HASIL", Margin, 40, 7);
        sheet.Text("TPS", Margin, 136, 4);
        foreach (var (c, cell) in TpsCodePlaces(form.Tps))
        {
            if (c == '.') sheet.Fill(DotOf(cell));
            else if (char.IsAsciiDigit(c)) sheet.Digit(cell, c - '0');
        }
        sheet.Text(form.Contest, Margin, 200, 5);
        sheet.Text(string.Create(CultureInfo.InvariantCulture, $"HAL {page}/{pages}  VERSI {form.Version}"), Margin, 260, 4);
        sheet.Fill(new PixelRect(Margin, RowsTop - 20, Width - 2 * Margin, 3), GrayPage.Rule);

        var rows = RowsOnPage(Rows(form), page, pages)
            .Select(r => change is not null && r.Field == change.Field ? r with { Value = change.Shown } : r).ToList();
        foreach (var place in Layout(rows))
        {
            var first = place.Cells[0];
            var dot = Math.Max(2, first.Height / 10);
            sheet.Text(place.Row.Label, Margin, first.Y + (first.Height - DotGlyphs.Rows * dot) / 2, dot);
            var digits = place.Row.Value.ToString(CultureInfo.InvariantCulture).PadLeft(DigitsPerNumber);
            for (var d = 0; d < DigitsPerNumber; d++) sheet.Digit(place.Cells[d], digits[d] == ' ' ? -1 : digits[d] - '0');
            sheet.Fill(new PixelRect(Margin, first.Y + first.Height + 6, Width - 2 * Margin, 1), GrayPage.Rule);
        }
        return sheet.ToPng();
    }

    private static int BallotOrder(string number) => int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
}
