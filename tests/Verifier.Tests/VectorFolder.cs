using System.Text.Json.Nodes;
using KpuOrleans.TestKit;
using KpuOrleans.Verifier.Evidence;
using KpuOrleans.Verifier.Forms;
using KpuOrleans.Verifier.Tallies;

namespace KpuOrleans.Verifier.Tests;

/// <summary>
/// A small evidence folder of the shape <c>download</c> writes, made from API.md's test vector: its three forms in
/// the export with their documented digests, and the tallies of every node above them plus two untouched regions
/// (all zeros, no digest), as a server that agrees with the vector would publish them, with no certificates.
/// </summary>
public static class VectorFolder
{
    public static readonly ContestInfo Governor = new("PGUB-35", "governor", "35", "Pemilihan Gubernur Jawa Timur", ["1", "2", "3"]);

    public static readonly string[] Untouched = ["35.78", "35.79.01.1003"];

    public static EvidenceFolder Write()
    {
        var folder = new EvidenceFolder(Directory.CreateDirectory(Path.Combine(Repository.TestResults, $"vector-{Guid.NewGuid():N}")).FullName);
        File.WriteAllText(folder.ContestsFile, new JsonArray(new JsonObject
        {
            ["id"] = Governor.Id, ["kind"] = Governor.Kind, ["scope"] = Governor.Scope, ["name"] = Governor.Name,
            ["candidates"] = new JsonArray([.. Governor.Ballot.Select(n => (JsonNode)new JsonObject { ["number"] = n, ["names"] = $"Pair {n}", ["emptyColumn"] = false })]),
        }).ToJsonString());

        var vector = DigestVectorTests.Vector();
        var digests = vector["digests"]!.AsObject();
        var rows = vector["forms"]!.AsArray().Select(f => DigestVectorTests.Row(f!, Governor, digests[f!["tps"]!.GetValue<string>()]!.GetValue<string>())).ToList();
        File.WriteAllText(folder.ExportFile(Governor.Id), string.Join("", [ExportCsv.Header(Governor) + "\n", .. rows.Select(r => ExportCsv.Format(r) + "\n")]));

        var tallies = Recomputation.Recompute(Governor, rows).ToDictionary();
        foreach (var code in Untouched) tallies[code] = TallyFigures.Zero(Governor);
        folder.WriteTallies(Governor.Id, tallies.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => Published(t.Key, t.Value).ToJsonString()));
        File.WriteAllText(folder.CertificatesFile(Governor.Id), "[]");
        return folder;
    }

    /// <summary>API.md's tally object; the registry's figures are made up, the verifier does not read them.</summary>
    public static JsonObject Published(string region, TallyFigures tally) => new()
    {
        ["contest"] = Governor.Id, ["region"] = region, ["level"] = RegionCode.Level(region), ["name"] = region,
        ["votes"] = new JsonObject(Governor.Ballot.Select((n, i) => KeyValuePair.Create(n, (JsonNode?)tally.Votes[i]))),
        ["valid"] = tally.Valid, ["invalid"] = tally.Invalid, ["voted"] = tally.Voted,
        ["registered"] = 1000, ["registeredReported"] = tally.RegisteredReported,
        ["tpsReported"] = tally.TpsReported, ["tpsExpected"] = 3, ["anomalies"] = 0,
        ["version"] = tally.Version, ["updatedAt"] = null, ["digest"] = tally.Digest, ["certified"] = null,
    };
}
