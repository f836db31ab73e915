using System.Text.Json;
using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Download;

/// <summary>
/// Writes an <see cref="EvidenceFolder"/> from the API: the contests, then per contest its export, every tally
/// published for it and its certificates. A count still moving gives an export and tallies of different moments, and
/// a certification between the tallies and the certificates shows as a difference, so download once the count has
/// settled and the certifications are done.
/// </summary>
public sealed class Downloader(PublicApi api, TextWriter progress, int parallelism = 16)
{
    /// <param name="only">The contests to download; null: every contest.</param>
    /// <returns>The contests downloaded.</returns>
    public async Task<IReadOnlyList<ContestInfo>> DownloadAsync(EvidenceFolder folder, IReadOnlyCollection<string>? only, CancellationToken cancellationToken)
    {
        const string contestsPath = "api/v1/contests";
        var json = await api.GetStringAsync(contestsPath, cancellationToken);
        var contests = ContestInfo.ParseList(json, $"GET {new Uri(api.BaseAddress, contestsPath)}");
        var unknown = only?.Where(id => contests.All(c => c.Id != id)).ToList() ?? [];
        if (unknown.Count > 0)
            throw new EvidenceException($"the API lists no contest {string.Join(", ", unknown)} (it has {Listed(contests)})");
        try
        {
            Directory.CreateDirectory(folder.Path);
            folder.WriteContests(json);
            var chosen = only is null ? contests : [.. contests.Where(c => only.Contains(c.Id))];
            foreach (var contest in chosen)
            {
                var export = folder.ExportFile(contest.Id);
                await api.SaveAsync($"api/v1/export/{Uri.EscapeDataString(contest.Id)}.csv", export, cancellationToken);
                if (!await api.SaveIfServedAsync($"api/v1/export/{Uri.EscapeDataString(contest.Id)}/photos.csv", folder.PhotosFile(contest.Id), cancellationToken))
                    progress.WriteLine($"{contest.Id}: the server lists no photos (a server from before photos)");
                var tallies = await new TallyTree(api, parallelism).ReadAsync(contest, cancellationToken);
                folder.WriteTallies(contest.Id, tallies);
                var certificatesPath = $"api/v1/export/{Uri.EscapeDataString(contest.Id)}/certificates.json";
                await api.SaveAsync(certificatesPath, folder.CertificatesFile(contest.Id), cancellationToken);
                var (inForce, withdrawn) = CountCertificates(folder.CertificatesFile(contest.Id), new Uri(api.BaseAddress, certificatesPath));
                var forms = File.ReadLines(export).Skip(1).Count(line => line.Length > 0);
                progress.WriteLine($"{contest.Id}: {forms} forms in the export, {tallies.Count} published tallies, " +
                                   $"{inForce} certificates in force, {withdrawn} withdrawn" +
                                   (api.Waits > 0 ? $" (told to wait {api.Waits} times so far)" : ""));
            }
            return chosen;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceException($"cannot write {folder.Path}: {e.Message}", e);
        }
    }

    /// <summary>The contests an API lists, in a line: a national one lists 545, which no one reads in an error.</summary>
    private static string Listed(IReadOnlyList<ContestInfo> contests) =>
        contests.Count <= 12 ? string.Join(", ", contests.Select(c => c.Id))
            : $"{contests.Count} contests: {string.Join(", ", contests.Take(10).Select(c => c.Id))}, ...";

    /// <summary>For the progress line only; check reads the file properly.</summary>
    private static (int InForce, int Withdrawn) CountCertificates(string file, Uri source)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Array) throw new EvidenceException($"GET {source} did not answer a JSON array");
            var inForce = document.RootElement.EnumerateArray()
                .Count(c => c.ValueKind == JsonValueKind.Object && c.TryGetProperty("withdrawn", out var w) && w.ValueKind == JsonValueKind.Null);
            return (inForce, document.RootElement.GetArrayLength() - inForce);
        }
        catch (JsonException e)
        {
            throw new EvidenceException($"GET {source} did not answer JSON: {e.Message}");
        }
    }
}
