using System.Text.Json.Nodes;
using KpuOrleans.TestKit;
using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;

namespace KpuOrleans.Verifier.Tests;

/// <summary>A copy of an evidence folder to tamper with, the way someone would by hand: one row or one tally changed.</summary>
public sealed record EvidenceCopy(EvidenceFolder Folder)
{
    public static EvidenceCopy Of(EvidenceFolder original)
    {
        var copy = Directory.CreateDirectory(System.IO.Path.Combine(Repository.TestResults, $"tampered-{Guid.NewGuid():N}")).FullName;
        foreach (var file in Directory.GetFiles(original.Path)) File.Copy(file, System.IO.Path.Combine(copy, System.IO.Path.GetFileName(file)));
        return new EvidenceCopy(new EvidenceFolder(copy));
    }

    public string Path => Folder.Path;

    public ContestInfo Contest(string id) => ContestInfo.ParseList(File.ReadAllText(Folder.ContestsFile), Folder.ContestsFile).Single(c => c.Id == id);

    public IReadOnlyList<FormRow> Rows(string contest) => ExportCsv.Parse(File.ReadAllText(Folder.ExportFile(contest)), Contest(contest), contest);

    /// <summary>Rewrites the export row of <paramref name="tps"/> and leaves every other byte of the file as it was.</summary>
    public FormRow ChangeRow(string contest, string tps, Func<FormRow, FormRow> change)
    {
        var file = Folder.ExportFile(contest);
        var lines = File.ReadAllText(file).Split('\n');
        var at = Array.FindIndex(lines, l => l.StartsWith(tps + ",", StringComparison.Ordinal));
        Assert.True(at > 0, $"{tps} has no row in {file}");
        var changed = change(ExportCsv.Parse(lines[0] + "\n" + lines[at], Contest(contest), file)[0]);
        lines[at] = ExportCsv.Format(changed);
        File.WriteAllText(file, string.Join('\n', lines));
        return changed;
    }

    /// <summary>Rewrites the published tally of <paramref name="region"/>; the others stay as they were.</summary>
    public void ChangeTally(string contest, string region, Action<JsonObject> change)
    {
        var tallies = JsonNode.Parse(File.ReadAllText(Folder.TalliesFile(contest)))!.AsArray();
        change(tallies.Single(t => t!["region"]!.GetValue<string>() == region)!.AsObject());
        Folder.WriteTallies(contest, tallies.Select(t => t!.ToJsonString()));
    }

    public void RemoveTally(string contest, string region)
    {
        var tallies = JsonNode.Parse(File.ReadAllText(Folder.TalliesFile(contest)))!.AsArray();
        Folder.WriteTallies(contest, tallies.Where(t => t!["region"]!.GetValue<string>() != region).Select(t => t!.ToJsonString()));
    }

    public void ChangeTallyText(string contest, string text) => File.WriteAllText(Folder.TalliesFile(contest), text);

    public JsonArray Certificates(string contest) => JsonNode.Parse(File.ReadAllText(Folder.CertificatesFile(contest)))!.AsArray();

    public void WriteCertificates(string contest, JsonArray certificates) => File.WriteAllText(Folder.CertificatesFile(contest), certificates.ToJsonString());

    /// <summary>Rewrites the certificate in force of <paramref name="region"/>; the others stay as they were.</summary>
    public void ChangeCertificate(string contest, string region, Action<JsonObject> change)
    {
        var certificates = Certificates(contest);
        change(certificates.Single(c => c!["region"]!.GetValue<string>() == region && c["withdrawn"] is null)!.AsObject());
        WriteCertificates(contest, certificates);
    }

    public void RemoveCertificate(string contest, string region)
    {
        var certificates = Certificates(contest);
        certificates.Remove(certificates.Single(c => c!["region"]!.GetValue<string>() == region && c["withdrawn"] is null));
        WriteCertificates(contest, certificates);
    }

    /// <summary>
    /// What the server does when <paramref name="region"/> is certified: a certificate of its published tally appended
    /// to the certificates file, and the published tally showing it. Returns the certificate to change further.
    /// </summary>
    public JsonObject Certify(string contest, string region, string by = "ppk-35.79.01", string at = "2024-11-28T02:41:07.123456Z")
    {
        var tally = JsonNode.Parse(File.ReadAllText(Folder.TalliesFile(contest)))!.AsArray()
            .Single(t => t!["region"]!.GetValue<string>() == region)!.DeepClone().AsObject();
        var certificate = new JsonObject
        {
            ["contest"] = contest, ["region"] = region, ["level"] = tally["level"]!.DeepClone(), ["name"] = tally["name"]!.DeepClone(),
            ["digest"] = tally["digest"]!.DeepClone(), ["certifiedBy"] = by, ["certifiedAt"] = at, ["tally"] = tally, ["withdrawn"] = null,
        };
        var certificates = File.Exists(Folder.CertificatesFile(contest)) ? Certificates(contest) : [];
        certificates.Add(certificate);
        WriteCertificates(contest, certificates);
        ChangeTally(contest, region, t => t["certified"] = new JsonObject { ["by"] = by, ["at"] = at, ["digest"] = tally["digest"]!.DeepClone() });
        return certificate;
    }
}
