using System.Net;
using System.Text.Json;
using KpuOrleans.Verifier.Download;
using KpuOrleans.Verifier.Evidence;

namespace KpuOrleans.Verifier.Proofs;

/// <summary>
/// A proof read from the gateway and checked against what it publishes: the scope's tally read just before and just
/// after the proof (the top moves while forms arrive, so either digest is the published one), and, for a proof
/// against a certificate, the contest's register of certificates. If the top matches neither read, everything is
/// read again, up to <see cref="Attempts"/> times in all.
/// </summary>
public sealed class ProofReader(PublicApi api, TextWriter progress)
{
    public const int Attempts = 3;

    public const string NotCountedType = "https://kpu-orleans.id/problems/not-counted";

    /// <param name="certificate"><c>none</c>, a region code or a digest, passed on as <c>?certificate=</c>; null: the server's default.</param>
    /// <param name="save">Where to write the proof as answered (the one checked), if anywhere.</param>
    /// <exception cref="EvidenceException">Something could not be read: nothing is known about the form then.</exception>
    public async Task<ProofVerdict> CheckAsync(string contest, string tps, string? receipt, PhotographedForm? form, string? certificate, string? save,
        CancellationToken cancellationToken)
    {
        var contests = ContestInfo.ParseList(await api.GetStringAsync("api/v1/contests", cancellationToken), $"GET {api.Url("api/v1/contests")}");
        var scope = contests.FirstOrDefault(c => c.Id == contest)?.Scope ?? throw new EvidenceException($"the API lists no contest {contest}");
        var question = new ProofQuestion(contest, tps, scope, receipt, form);
        var path = $"api/v1/proof/{Uri.EscapeDataString(contest)}/{Uri.EscapeDataString(tps)}" +
                   (certificate is null ? "" : $"?certificate={Uri.EscapeDataString(certificate)}");
        for (var attempt = 1; ; attempt++)
        {
            var before = await TopDigestAsync(contest, scope, cancellationToken);
            var (status, body, retryAfter) = await api.GetAnswerAsync(path, cancellationToken);
            if (status == HttpStatusCode.NotFound)
            {
                var (notCounted, latest, detail) = Problem(body, path);
                if (latest > 0 && attempt < Attempts)
                {
                    // The first form is still climbing the tree: the server says when to ask again.
                    progress.WriteLine($"not counted yet at the top (latest accepted version {latest}); asking again in {retryAfter.TotalSeconds:N0} s");
                    await Task.Delay(retryAfter, cancellationToken);
                    continue;
                }
                return notCounted ? ProofVerdict.NotCounted(question, latest, detail) : throw new EvidenceException($"GET {api.Url(path)} answered 404: {detail}");
            }
            var after = await TopDigestAsync(contest, scope, cancellationToken);
            var proof = InclusionProof.Parse(body, $"GET {api.Url(path)}");
            if (save is not null) Save(save, body);
            var published = proof.Against == InclusionProof.Live
                ? new PublishedSide([.. new[] { before, after }.OfType<string>()], $"GET api/v1/tally/{contest}/{scope}, read before and after the proof")
                : await CertificatesAsync(contest, tps, scope, certificate, cancellationToken);
            var verdict = ProofCheck.Run(proof, question, published);
            if (!verdict.Retriable || attempt == Attempts) return verdict;
            progress.WriteLine($"the published top moved while the proof was read ({verdict.Break!.Why}); reading everything again ({attempt + 1} of {Attempts})");
        }
    }

    private async Task<string?> TopDigestAsync(string contest, string scope, CancellationToken cancellationToken)
    {
        var path = $"api/v1/tally/{Uri.EscapeDataString(contest)}/{Uri.EscapeDataString(scope)}";
        using var tally = await api.GetJsonAsync(path, cancellationToken);
        return PublishedTally.Parse(tally.RootElement, $"GET {api.Url(path)}").Digest;
    }

    /// <summary>
    /// The certificates in force on the TPS's path, from the register, and where a proof against one must end: the
    /// region asked for, the one whose certificate has the digest asked for, or else the highest with one in force.
    /// </summary>
    private async Task<PublishedSide> CertificatesAsync(string contest, string tps, string scope, string? asked, CancellationToken cancellationToken)
    {
        var path = $"api/v1/export/{Uri.EscapeDataString(contest)}/certificates.json";
        using var register = await api.GetJsonAsync(path, cancellationToken);
        if (register.RootElement.ValueKind != JsonValueKind.Array) throw new EvidenceException($"GET {api.Url(path)} did not answer a JSON array");
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        for (var code = RegionCode.Parent(tps); code is not null && RegionCode.IsWithin(code, scope); code = RegionCode.Parent(code)) onPath.Add(code);
        var inForce = register.RootElement.EnumerateArray()
            .Select((c, i) => PublishedCertificate.Parse(c, $"GET {api.Url(path)}, certificate #{i + 1}"))
            .Where(c => c.InForce && c.Digest is not null && onPath.Contains(c.Region))
            .GroupBy(c => c.Region)
            .ToDictionary(g => g.Key, g => g.Last().Digest!, StringComparer.Ordinal);
        var end = asked is not null && onPath.Contains(asked) ? asked
            : inForce.FirstOrDefault(c => c.Value == asked).Key
              ?? inForce.Keys.OrderBy(RegionCode.Depth).FirstOrDefault();
        return new PublishedSide(null, $"GET {path}", inForce, end);
    }

    private static (bool NotCounted, long? LatestVersion, string Detail) Problem(string body, string path)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            long? latest = root.TryGetProperty("latestVersion", out var l) && l.TryGetInt64(out var n) ? n : null;
            return (Text("type") == NotCountedType, latest, Text("detail") ?? Text("title") ?? body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (false, null, $"{path}: {body[..Math.Min(body.Length, 300)]}");
        }
    }

    private static void Save(string file, string body)
    {
        try
        {
            File.WriteAllText(file, body);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceException($"cannot write {file}: {e.Message}", e);
        }
    }
}
