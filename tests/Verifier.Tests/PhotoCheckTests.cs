using System.Security.Cryptography;
using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;
using KpuOrleans.Verifier.Photos;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// The photo check against a stand-in server: an honest set passes; a missing photo and one whose bytes hash to
/// another name each fail, naming the photo and the TPS citing it; an export from before photos is skipped, saying so.
/// </summary>
public class PhotoCheckTests
{
    private static readonly ContestInfo Governor = new("PGUB-35", "governor", "35", "Pemilihan Gubernur Jawa Timur", ["1", "2"]);

    private static byte[] Photo(string seed) => [0x89, (byte)'P', (byte)'N', (byte)'G', .. System.Text.Encoding.UTF8.GetBytes(seed)];

    private static string Name(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static FormRow Row(string tps, params string[]? photos) =>
        new(tps, 1, 500, 300, 0, 0, 513, 300, 0, 213, [100, 190], 290, 10, "2024-11-27T06:00:00.0000000Z", "", 0, photos);

    private static ContestEvidence Contest(params FormRow[] rows) => new(Governor, rows, []);

    private static async Task<PhotoReport> CheckAsync(PhotoServer server, PhotoSelection? selection, params FormRow[] rows)
    {
        using var http = new HttpClient { BaseAddress = server.Address };
        return await new PhotoCheck(http, parallelism: 4).RunAsync([Contest(rows)], selection, CancellationToken.None);
    }

    [Fact]
    public async Task Every_cited_photo_stored_and_hashing_to_its_name_passes()
    {
        await using var server = new PhotoServer();
        var (a, b, c) = (Photo("a"), Photo("b"), Photo("c"));
        foreach (var photo in new[] { a, b, c }) server.Photos[Name(photo)] = photo;

        var report = await CheckAsync(server, null, Row("35.78.01.1001.001", Name(a), Name(b)), Row("35.78.01.1001.002", Name(c)), Row("35.78.01.1001.003"));

        Assert.True(report.Clean, string.Join("\n", report.Problems));
        Assert.Equal((3, 3, 0), (report.Cited, report.Downloaded, report.Asked));
        Assert.Equal(3, server.Requests.Count(r => r.StartsWith("GET ", StringComparison.Ordinal)));
        Assert.StartsWith("Photos OK: every one of 3 cited photos is stored", report.Summary);
    }

    [Fact]
    public async Task A_missing_photo_fails_naming_the_photo_and_its_tps()
    {
        await using var server = new PhotoServer();
        var (stored, lost) = (Photo("stored"), Photo("lost"));
        server.Photos[Name(stored)] = stored;

        var report = await CheckAsync(server, null, Row("35.78.01.1001.001", Name(stored)), Row("35.78.01.1001.007", Name(lost)));

        var problem = Assert.Single(report.Problems);
        Assert.Equal($"PHOTO {Name(lost)} (cited by PGUB-35 35.78.01.1001.007): missing: GET api/v1/photos/{Name(lost)} answered 404", problem.ToString());
        Assert.StartsWith("Photos FAILED: 1 of 2 cited photos", report.Summary);
    }

    [Fact]
    public async Task A_photo_whose_bytes_hash_to_another_name_fails_naming_both_hashes_and_the_tps()
    {
        await using var server = new PhotoServer();
        var (honest, swapped) = (Photo("honest"), Photo("swapped in"));
        server.Photos[Name(honest)] = swapped;

        var report = await CheckAsync(server, PhotoSelection.All, Row("35.78.01.1001.004", Name(honest)));

        var problem = Assert.Single(report.Problems);
        Assert.Equal(Name(honest), problem.Sha256);
        Assert.Equal(["PGUB-35 35.78.01.1001.004"], problem.CitedBy);
        Assert.Contains($"the {swapped.Length} bytes GET answered hash to {Name(swapped)}, not to their name", problem.ToString());
    }

    [Fact]
    public async Task A_sample_downloads_that_many_and_asks_for_the_rest_with_head_which_still_finds_a_missing_one()
    {
        await using var server = new PhotoServer();
        var photos = Enumerable.Range(0, 5).Select(i => Photo($"page {i}")).ToList();
        foreach (var photo in photos.Skip(1)) server.Photos[Name(photo)] = photo;

        var report = await CheckAsync(server, new PhotoSelection(true, 2),
            [.. photos.Select((p, i) => Row($"35.78.01.1001.{i + 1:000}", Name(p)))]);

        Assert.Equal((5, 2, 3), (report.Cited, report.Downloaded, report.Asked));
        Assert.Equal(2, server.Requests.Count(r => r.StartsWith("GET ", StringComparison.Ordinal)));
        Assert.Equal(3, server.Requests.Count(r => r.StartsWith("HEAD ", StringComparison.Ordinal)));
        Assert.Equal(Name(photos[0]), Assert.Single(report.Problems).Sha256);
    }

    [Fact]
    public async Task An_export_without_the_photos_column_is_skipped_with_a_note_and_none_checks_nothing()
    {
        await using var server = new PhotoServer();
        var old = Row("35.78.01.1001.001") with { Photos = null };

        var skipped = await CheckAsync(server, null, old);
        var none = await CheckAsync(server, PhotoSelection.None, Row("35.78.01.1001.001", Name(Photo("x"))));

        Assert.True(skipped.Clean);
        Assert.Contains("PGUB-35: the server lists no photos for it (a server from before photos): its photos are not checked", skipped.Notes);
        Assert.True(none.Clean);
        Assert.Contains("photos: 1 cited, not checked (--photos none)", none.Notes);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void The_export_reads_its_photos_column_and_writes_it_back()
    {
        const string header = "tps,version,registered,voted_dpt,voted_dptb,voted_dpk,ballots_received,ballots_used,ballots_spoiled,ballots_unused," +
                              "votes_1,votes_2,valid,invalid,accepted_at,digest,photos";
        var page = new string('a', 64);
        var cited = $"35.78.01.1001.001,1,500,300,0,0,513,300,0,213,100,190,290,10,2024-11-27T06:00:00.0000000Z,{new string('0', 64)},{page} {new string('b', 64)}";
        var none = $"35.78.01.1001.002,1,500,300,0,0,513,300,0,213,100,190,290,10,2024-11-27T06:00:00.0000000Z,{new string('0', 64)},";

        var rows = ExportCsv.Parse($"{header}\n{cited}\n{none}\n", Governor, "PGUB-35.csv");

        Assert.Equal([page, new string('b', 64)], rows[0].Photos);
        Assert.Equal([], rows[1].Photos);
        Assert.Equal(cited, ExportCsv.Format(rows[0]));
        var old = $"{ExportCsv.Header(Governor)}\n35.78.01.1001.003,1,500,300,0,0,513,300,0,213,100,190,290,10,2024-11-27T06:00:00.0000000Z,{new string('0', 64)}\n";
        Assert.Null(Assert.Single(ExportCsv.Parse(old, Governor, "old.csv")).Photos);
    }

    [Theory]
    [InlineData("check --api http://localhost:5080 --photos some", "--photos 'some' must be all, none or a whole number of photos to download (1 or more)")]
    [InlineData("check --api http://localhost:5080 --photos 0", "--photos '0' must be all, none or a whole number")]
    [InlineData("check some-folder --photos all", "--photos needs --api URL")]
    public async Task A_wrong_photos_option_is_a_usage_error(string args, string error)
    {
        var run = await VerifierRun.RunAsync(args.Split(' '));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(error, run.Error);
    }

    [Fact]
    public void The_photos_option_is_read()
    {
        Assert.Equal(PhotoSelection.All, ((Cli.CheckCommand)Cli.CommandLine.Parse(["check", "--api", "http://x:1", "--photos", "ALL"])).Photos);
        Assert.Equal(new PhotoSelection(true, 50), ((Cli.CheckCommand)Cli.CommandLine.Parse(["check", "--api", "http://x:1", "--photos", "50"])).Photos);
        Assert.Null(((Cli.CheckCommand)Cli.CommandLine.Parse(["check", "--api", "http://x:1"])).Photos);
        Assert.Equal(PhotoSelection.All, PhotoSelection.Default(PhotoSelection.SmallExport));
        Assert.Equal(new PhotoSelection(true, PhotoSelection.SmallExport), PhotoSelection.Default(PhotoSelection.SmallExport + 1));
    }
}
