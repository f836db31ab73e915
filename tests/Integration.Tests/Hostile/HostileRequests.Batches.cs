using System.Text.Json;
using KpuOrleans.Forms;

namespace KpuOrleans.Integration.Tests.Hostile;

/// <summary>
/// Batches: mixed piles of mutated, retried, conflicting and jumping forms, broken envelopes, and batches at and over
/// 1,000 forms.
/// </summary>
public sealed partial class HostileRequests
{
    private HostileRequest BatchOf(int index, Random random)
    {
        var request = new HostileRequest(index, "batch", "", HttpMethod.Post, Batch);
        var roll = random.Next(20);
        if (roll == 0)
        {
            var many = Enumerable.Range(0, 1_001).Select(_ => accepted[random.Next(accepted.Count)]).ToList();
            return request with { Kind = "over-1000", Body = Utf8($"{{\"forms\":[{string.Join(",", many.Select(Json))}]}}"), Authorization = Bearer(officers.For(many)) };
        }
        var form = accepted[random.Next(accepted.Count)];
        if (roll == 1)
        {
            string[] envelopes = ["{}", "{\"forms\":null}", "{\"forms\":{}}", "{\"forms\":\"x\"}", "[]", "{\"Forms\":[]}", "{\"forms\":[],\"forms\":[]}",
                $"{{\"forms\":{Nesting(random)}}}", $"{{\"forms\":[{Json(form)}],\"forms\":[]}}", Json(form)];
            return request with { Kind = "envelope", Body = Utf8(Pick(random, envelopes)), Authorization = Village(form) };
        }
        var forms = Enumerable.Range(0, random.Next(1, 40)).Select(_ => accepted[random.Next(accepted.Count)]).ToList();
        // One item that is not JSON sinks the whole batch (400): half the batches keep theirs parseable, so each is judged.
        var parseable = random.Next(2) == 0;
        var items = forms.Select(f => random.Next(10) switch
        {
            < 6 => parseable ? ParseableMutation(random, f) : Mutated(random, f),
            6 => Json(f),
            7 => Json(Shifted(f)),
            8 => Pick(random, ["1", "\"x\"", "null", "[]", "{}"]),
            _ => Json(f with { Version = _current[(f.Tps, f.Contest)] + 3, Reason = "jump" }),
        });
        var (kind, token) = random.Next(10) switch
        {
            < 7 => ("mixed", Bearer(officers.For(forms))),
            < 9 => ("mixed-kpps-token", Kpps(forms[0])), // the other TPS's forms are outside it: 403 items
            _ => ("mixed-expired-token", Bearer(Jwt("35", "provinsi", c => c["exp"] = Now - 3_600))),
        };
        if (parseable) kind += "-parseable";
        return request with { Kind = kind, Body = Utf8($"{{\"forms\":[{string.Join(",", items)}]}}"), Authorization = token };
    }

    private string ParseableMutation(Random random, ResultForm form)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var text = Mutated(random, form);
            try
            {
                // Two levels fewer than the gateway's 16: the batch's object and its array hold the form.
                using var _ = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 14, AllowDuplicateProperties = false });
                return text;
            }
            catch (JsonException)
            {
            }
        }
        return Json(form);
    }

    /// <summary>Exactly the most a batch may hold: retries of accepted forms, each judged.</summary>
    private HostileRequest FullBatch(int index, Random random)
    {
        var forms = Enumerable.Range(0, 1_000).Select(_ => accepted[random.Next(accepted.Count)]).ToList();
        return new(index, "batch", "exactly-1000", HttpMethod.Post, Batch,
            Utf8($"{{\"forms\":[{string.Join(",", forms.Select(Json))}]}}"), Bearer(officers.For(forms)));
    }
}
