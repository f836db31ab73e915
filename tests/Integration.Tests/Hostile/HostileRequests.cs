using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;

namespace KpuOrleans.Integration.Tests.Hostile;

/// <summary>
/// Hostile requests against forms the ledger already holds. Whatever a mutation does, a form's version is never the
/// next one together with a usable reason (except with a KPPS token, which may not send corrections), and its TPS is
/// never another real TPS, so the only acceptable outcomes are a retry, a conflict or a rejection: never a new row.
/// <para>This part picks each index's category from the seed and holds the helpers they share; each category builds its
/// requests in a part of its own (mutations, tokens and corrections, garbage, batches, reads, photos).</para>
/// </summary>
public sealed partial class HostileRequests(IReadOnlyList<ResultForm> accepted, RegionRegistry registry, OfficerTokens officers, byte[] signingKey, int seed)
{
    public const string Results = "/api/v1/results";
    public const string Batch = "/api/v1/results/batch";
    private const int FormLimit = 64 * 1024, BatchLimit = 8 * 1024 * 1024;
    private static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Dictionary<(string, string), long> _current =
        accepted.GroupBy(f => (f.Tps, f.Contest)).ToDictionary(g => g.Key, g => g.Max(f => f.Version));

    public HostileRequest Create(int index)
    {
        var random = new Random(unchecked(seed * 1_000_003 + index));
        // The heaviest bodies (8 MiB, a batch of 1,000 forms judged) only at a few fixed indices.
        if (index % 2_500 == 1_234) return OverBatchLimit(index, chunked: index % 5_000 > 2_500);
        if (index % 5_000 == 4_321) return FullBatch(index, random);
        if (index % 2_500 == 2_468) return OverPhotoLimit(index, chunked: index % 5_000 > 2_500);
        // Photos at fixed indices, so that every other index draws what it drew before photos existed.
        if (index % 14 == 7) return Photo(index, random, accepted[random.Next(accepted.Count)]);
        var form = accepted[random.Next(accepted.Count)];
        return random.Next(100) switch
        {
            < 35 => Mutation(index, random, form),
            < 50 => Token(index, random, form),
            < 58 => Correction(index, random, form),
            < 73 => Garbage(index, random, form),
            < 85 => BatchOf(index, random),
            _ => Read(index, random, form),
        };
    }

    private string Kpps(ResultForm form) => Bearer(officers.For(form with { Version = 1 }));

    private string Village(ResultForm form) => Bearer(officers.For(form with { Version = 2 }));

    private static string Bearer(string token) => $"Bearer {token}";

    private static string Json(ResultForm form) => ApiJson.Form(form).ToJsonString(Raw);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Quote(string text) => $"\"{text}\"";

    private static string Fullwidth(string code) => string.Concat(code.Select(c => char.IsAsciiDigit(c) ? (char)('０' + c - '0') : c));

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>The same form with one vote moved to another candidate: still valid, so only a conflict can come of it.</summary>
    private static ResultForm Shifted(ResultForm form)
    {
        var from = form.Votes.First(v => v.Value > 0).Key;
        var votes = form.Votes.ToDictionary();
        votes[from]--;
        votes[votes.Keys.First(k => k != from)]++;
        return form with { Votes = votes };
    }
}
