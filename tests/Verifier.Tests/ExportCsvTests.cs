using KpuOrleans.Verifier.Checking;
using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;

namespace KpuOrleans.Verifier.Tests;

/// <summary>Reading the export: API.md's columns found by name, a votes column per ballot number, the digest last.</summary>
public class ExportCsvTests
{
    private static readonly ContestInfo Governor = new("PGUB-35", "governor", "35", "Pemilihan Gubernur Jawa Timur", ["1", "2", "3"]);

    private const string Header =
        "tps,version,registered,voted_dpt,voted_dptb,voted_dpk,ballots_received,ballots_used,ballots_spoiled,ballots_unused,votes_1,votes_2,votes_3,valid,invalid,accepted_at,digest";

    private const string First =
        "35.79.01.1001.001,1,493,300,2,1,506,303,1,202,40,150,108,298,5,2024-11-27T06:01:02.1234567Z,8b76e2c5068fc6a1c88ee88683668a79a3527899f26d1f0cd0b345612f4bf612";

    private const string Second =
        "35.79.01.1001.002,2,486,250,0,0,499,250,2,247,30,120,96,246,4,2024-11-27T07:00:00.0000000Z,c653f3c39acc295843c45544c1fb0bd2786cce49b95178d30e5edfcaac89cde4";

    [Fact]
    public void Reads_every_column_with_the_votes_in_ballot_order_and_the_digest_last()
    {
        var rows = ExportCsv.Parse($"{Header}\n{First}\n{Second}\n", Governor, "PGUB-35.csv");

        Assert.Equal(2, rows.Count);
        var row = rows[0];
        Assert.Equal(("35.79.01.1001.001", 1L, 493L), (row.Tps, row.Version, row.Registered));
        Assert.Equal((300L, 2L, 1L, 303L), (row.VotedDpt, row.VotedDptb, row.VotedDpk, row.Voted));
        Assert.Equal((506L, 303L, 1L, 202L), (row.BallotsReceived, row.BallotsUsed, row.BallotsSpoiled, row.BallotsUnused));
        Assert.Equal([40L, 150L, 108L], row.Votes);
        Assert.Equal((298L, 5L), (row.Valid, row.Invalid));
        Assert.Equal("2024-11-27T06:01:02.1234567Z", row.AcceptedAt);
        Assert.Equal("8b76e2c5068fc6a1c88ee88683668a79a3527899f26d1f0cd0b345612f4bf612", row.Digest);
        Assert.Equal([2, 3], rows.Select(r => r.Line));
        Assert.Equal(2, rows[1].Version);
    }

    [Fact]
    public void Writes_what_it_reads()
    {
        var rows = ExportCsv.Parse($"{Header}\n{First}\n", Governor, "PGUB-35.csv");

        Assert.Equal(Header, ExportCsv.Header(Governor));
        Assert.Equal(First, ExportCsv.Format(rows[0]));
    }

    [Fact]
    public void Finds_columns_by_name_and_takes_a_copy_a_spreadsheet_saved()
    {
        // Columns moved and one added (API.md may be extended), quoted fields, CRLF and a byte order mark.
        var header = "\uFEFFdigest,tps,note,votes_3,votes_2,votes_1,version,registered,voted_dpt,voted_dptb,voted_dpk,ballots_received,ballots_used,ballots_spoiled,ballots_unused,valid,invalid,accepted_at";
        var row = "\"8b76e2c5068fc6a1c88ee88683668a79a3527899f26d1f0cd0b345612f4bf612\",35.79.01.1001.001,\"checked, \"\"twice\"\"\",108,150,40,1,493,300,2,1,506,303,1,202,298,5,2024-11-27T06:01:02.1234567Z";

        var rows = ExportCsv.Parse($"{header}\r\n{row}\r\n", Governor, "copy.csv");

        Assert.Equal(First, ExportCsv.Format(Assert.Single(rows)));
    }

    [Theory]
    [InlineData("", "copy.csv is empty: it has no header line")]
    [InlineData(Header + "\n35.79.01.1001.001,1,493", "copy.csv line 2: 3 fields, but the header names 17")]
    [InlineData(Header + "\n" + First + "\n35.79.01.1001.002,1,486,250,0,0,499,250,2,247,30,120,96,two hundred,4,x,y",
        "copy.csv line 3: valid 'two hundred' is not a whole number")]
    [InlineData("tps,version,registered,voted_dpt,voted_dptb,voted_dpk,ballots_received,ballots_used,ballots_spoiled,ballots_unused,votes_1,votes_2,votes_3,valid,invalid,accepted_at",
        "copy.csv: the header lacks digest")]
    [InlineData("tps,version,registered,voted_dpt,voted_dptb,voted_dpk,ballots_received,ballots_used,ballots_spoiled,ballots_unused,votes_1,votes_2,valid,invalid,accepted_at,digest",
        "copy.csv: the header lacks votes_3 (the ballot of PGUB-35 is 1,2,3)")]
    [InlineData(Header + ",votes_4", "copy.csv: votes_4 is no ballot number of PGUB-35")]
    [InlineData(Header + ",tps", "copy.csv: the header names column 'tps' twice")]
    public void Refuses_what_is_not_an_export_and_says_where(string text, string message)
    {
        var refused = Assert.Throws<EvidenceException>(() => ExportCsv.Parse(text, Governor, "copy.csv"));
        Assert.StartsWith(message, refused.Message);
    }

    [Fact]
    public void A_number_out_of_range_reads_and_is_then_impossible()
    {
        var rows = ExportCsv.Parse($"{Header}\n{First.Replace(",1,202,", ",-1,204,")}\n", Governor, "copy.csv");

        Assert.Equal(-1, rows[0].BallotsSpoiled);
        var breaches = RowRules.Breaches(Governor, rows[0]).ToList();
        Assert.Contains(breaches, b => b.StartsWith("digest column 8b76e2c5", StringComparison.Ordinal));
        Assert.Contains("impossible numbers, rule 2 (every number 0..100,000): ballots_spoiled -1", breaches);
    }
}
