using System.Security.Cryptography;
using System.Text;
using KpuOrleans.Evidence;
using KpuOrleans.Forms;
using KpuOrleans.Ledger;
using KpuOrleans.Postgres;
using KpuOrleans.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KpuOrleans.Integration.Tests;

/// <summary>The pages of forms and the photo catalogue beside the ledger, on a real PostgreSQL.</summary>
public class PhotoCatalogueTests : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;
    private PostgresLedger _ledger = null!;

    public async Task InitializeAsync()
    {
        _database = NpgsqlDataSource.Create(await PostgresServer.Shared.CreateDatabaseAsync());
        await Migrations.ApplyAsync(_database, NullLogger.Instance);
        _ledger = new PostgresLedger(_database, Options.Create(new LedgerOptions()), NullLogger<PostgresLedger>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static string Page(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

    private static ResultForm Form(string tps, IReadOnlyList<string>? pages, long version = 1) =>
        SampleForms.Valid(Jatim.Registry.Get(tps), Jatim.Registry.Get(tps).Contests[0], new Random(7), version, version > 1 ? "recount" : null) with { Photos = pages };

    private static PhotoRecord Photo(string sha256) => new(sha256, "image/jpeg", 250_000, 1200, 1600, DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_form_keeps_its_pages_in_order_and_a_form_without_any_keeps_none()
    {
        var pages = new[] { Page("2"), Page("1"), Page("3") };
        await _ledger.AppendAsync(new AcceptedForm(Form("35.78.01.1001.001", pages), DateTimeOffset.UtcNow, "kpps", []));
        await _ledger.AppendAsync(new AcceptedForm(Form("35.78.01.1001.002", null) with { PhotoSha256 = Page("one") }, DateTimeOffset.UtcNow, "kpps", []));
        await _ledger.AppendAsync(new AcceptedForm(Form("35.78.01.1001.003", null), DateTimeOffset.UtcNow, "kpps", []));

        var rows = (await _ledger.ReadLatestUnderAsync("35.78.01.1001")).ToDictionary(r => r.Form.Tps);

        Assert.Equal(pages, rows["35.78.01.1001.001"].Form.Pages);
        Assert.Equal([Page("one")], rows["35.78.01.1001.002"].Form.Pages);
        Assert.Empty(rows["35.78.01.1001.003"].Form.Pages);
        Assert.Null(rows["35.78.01.1001.003"].Form.Photos);
    }

    [Fact]
    public async Task The_catalogue_records_a_photo_once_says_which_are_stored_and_finds_the_latest_forms_citing_one()
    {
        var shared = Page("shared");
        var replaced = Page("replaced");
        await _ledger.AppendAsync(new AcceptedForm(Form("35.78.01.1002.001", [shared]), DateTimeOffset.UtcNow, "kpps", []));
        await _ledger.AppendAsync(new AcceptedForm(Form("35.78.01.1002.002", [replaced]), DateTimeOffset.UtcNow, "kpps", []));
        await _ledger.AppendAsync(new AcceptedForm(Form("35.78.01.1002.002", [shared], version: 2), DateTimeOffset.UtcNow, "pps", []));
        await _ledger.AppendAsync(new AcceptedForm(Form("35.78.01.1002.003", [replaced]), DateTimeOffset.UtcNow, "kpps", []));

        var first = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _ledger.RecordAsync(Photo(shared))));

        Assert.Single(first, recorded => recorded);
        Assert.Equal([shared], await _ledger.StoredAsync([shared, replaced]));
        Assert.Equal(["35.78.01.1002.001", "35.78.01.1002.002"], (await _ledger.CitersAsync(shared)).Select(c => c.Tps).Order());
        // Only a form's latest version counts: the corrected TPS no longer cites the page it replaced.
        Assert.Equal(["35.78.01.1002.003"], (await _ledger.CitersAsync(replaced)).Select(c => c.Tps));
    }

    [Fact]
    public async Task The_catalogue_is_append_only_and_takes_only_hashes()
    {
        await _ledger.RecordAsync(Photo(Page("kept")));

        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync($"UPDATE kpu_photos SET bytes = 1 WHERE sha256 = '{Page("kept")}'"));
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync($"DELETE FROM kpu_photos"));
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync($"TRUNCATE kpu_photos"));
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(
            "INSERT INTO kpu_photos (sha256, content_type, bytes, width, height, stored_at) VALUES ('NOT-A-HASH', 'image/png', 1, 1, 1, now())"));
        Assert.Equal([Page("kept")], await _ledger.StoredAsync([Page("kept")]));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _database.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
