using System.Text;
using System.Text.Json;
using KpuOrleans.Verifier.Forms;

namespace KpuOrleans.Verifier.Evidence;

/// <summary>
/// The folder <c>download</c> writes and <c>check</c> reads, plain enough to read, copy and tamper with by hand:
/// <list type="bullet">
/// <item><c>contests.json</c>: <c>GET /api/v1/contests</c> as answered (the ballot order of every contest).</item>
/// <item><c>{contest}.csv</c>: <c>GET /api/v1/export/{contest}.csv</c> as answered.</item>
/// <item><c>{contest}.tallies.json</c>: a JSON array of every tally object published for the contest (its scope and
/// every region and TPS below), as answered, one object per line, in code order.</item>
/// <item><c>{contest}.certificates.json</c>: <c>GET /api/v1/export/{contest}/certificates.json</c> as answered (every
/// certificate of the contest, withdrawn ones included). Optional: a folder without it is checked as a contest with
/// no certificates, and the check says so.</item>
/// <item><c>{contest}.photos.csv</c>: <c>GET /api/v1/export/{contest}/photos.csv</c> as answered (<c>tps,version,photos</c>:
/// the pages each TPS's latest form cites). Optional: a folder without it is from a server before photos.</item>
/// </list>
/// </summary>
public sealed record EvidenceFolder(string Path)
{
    public string ContestsFile => System.IO.Path.Combine(Path, "contests.json");

    public string ExportFile(string contest) => System.IO.Path.Combine(Path, $"{contest}.csv");

    public string TalliesFile(string contest) => System.IO.Path.Combine(Path, $"{contest}.tallies.json");

    public string CertificatesFile(string contest) => System.IO.Path.Combine(Path, $"{contest}.certificates.json");

    public string PhotosFile(string contest) => System.IO.Path.Combine(Path, $"{contest}.photos.csv");

    /// <param name="only">The contests to read, each of which must be there; null: every contest whose files are.</param>
    /// <exception cref="EvidenceException">A file is missing or not of its documented shape.</exception>
    public IReadOnlyList<ContestEvidence> Load(IReadOnlyCollection<string>? only = null) => [.. LoadEach(only)];

    /// <summary>
    /// As <see cref="Load"/>, one contest at a time as it is enumerated: a national folder (545 contests, 850,000
    /// rows) is checked holding one contest's rows and tallies at once, never all of them. The folder and the choice
    /// are checked before the first contest is read.
    /// </summary>
    public IEnumerable<ContestEvidence> LoadEach(IReadOnlyCollection<string>? only = null)
    {
        var chosen = Choose(only);
        return chosen.Select(Load);
    }

    private List<ContestInfo> Choose(IReadOnlyCollection<string>? only)
    {
        if (!Directory.Exists(Path)) throw new EvidenceException($"{Path} does not exist (write it with the download command)");
        if (!File.Exists(ContestsFile)) throw new EvidenceException($"{ContestsFile} is missing: the download command writes it, and check needs it for each contest's ballot order");
        var contests = ContestInfo.ParseList(File.ReadAllText(ContestsFile), ContestsFile);
        var unknown = only?.Where(id => contests.All(c => c.Id != id)).ToList() ?? [];
        if (unknown.Count > 0) throw new EvidenceException($"{ContestsFile} lists no contest {string.Join(", ", unknown)}");
        var chosen = only is null
            ? contests.Where(c => File.Exists(ExportFile(c.Id)) || File.Exists(TalliesFile(c.Id))).ToList()
            : contests.Where(c => only.Contains(c.Id)).ToList();
        if (chosen.Count == 0)
            throw new EvidenceException($"{Path} holds no contest's files: expected {{contest}}.csv and {{contest}}.tallies.json for contests of contests.json");
        return chosen;
    }

    private ContestEvidence Load(ContestInfo contest)
    {
        var export = Existing(ExportFile(contest.Id), contest);
        var tallies = Existing(TalliesFile(contest.Id), contest);
        var certificates = CertificatesFile(contest.Id);
        using var rows = new StreamReader(export, Encoding.UTF8);
        var forms = ExportCsv.Read(rows, contest, export);
        var photos = PhotosFile(contest.Id);
        if (File.Exists(photos)) forms = PhotoList.Attach(forms, File.ReadAllText(photos, Encoding.UTF8), photos);
        return new ContestEvidence(contest, forms, ReadTallies(tallies),
            File.Exists(certificates) ? ReadCertificates(certificates) : null);
    }

    private static string Existing(string file, ContestInfo contest) =>
        File.Exists(file) ? file : throw new EvidenceException($"{file} is missing: checking {contest.Id} needs both its export and its published tallies");

    private static List<PublishedTally> ReadTallies(string file) =>
        ReadArray(file, "tallies", (tally, i) => PublishedTally.Parse(tally, $"{file}, tally #{i + 1}"));

    private static List<PublishedCertificate> ReadCertificates(string file) =>
        ReadArray(file, "certificates", (certificate, i) => PublishedCertificate.Parse(certificate, $"{file}, certificate #{i + 1}"));

    private static List<T> ReadArray<T>(string file, string of, Func<JsonElement, int, T> parse)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Array) throw new EvidenceException($"{file}: not a JSON array of {of}");
            return [.. document.RootElement.EnumerateArray().Select(parse)];
        }
        catch (JsonException e)
        {
            throw new EvidenceException($"{file} is not JSON: {e.Message}");
        }
    }

    public void WriteContests(string json)
    {
        Directory.CreateDirectory(Path);
        File.WriteAllText(ContestsFile, json, new UTF8Encoding(false));
    }

    /// <param name="tallies">Each tally's JSON text as the API sent it.</param>
    public void WriteTallies(string contest, IEnumerable<string> tallies)
    {
        Directory.CreateDirectory(Path);
        // Written as they come: the largest province's race is some 80,000 tallies, never one string.
        using var writer = new StreamWriter(TalliesFile(contest), append: false, new UTF8Encoding(false));
        writer.Write("[\n");
        var first = true;
        foreach (var tally in tallies)
        {
            if (!first) writer.Write(",\n");
            writer.Write(tally);
            first = false;
        }
        writer.Write("\n]\n");
    }
}
