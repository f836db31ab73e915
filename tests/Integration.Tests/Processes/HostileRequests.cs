using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.Simulator.Tokens;
using KpuOrleans.TestKit;

namespace KpuOrleans.Integration.Tests.Processes;

/// <summary>One hostile request; <see cref="HostileRequests.Create"/> rebuilds it from the seed and its index.</summary>
public sealed record HostileRequest(int Index, string Category, string Kind, HttpMethod Method, string Path, byte[]? Body = null,
    string? Authorization = null, string? ContentType = "application/json", bool Chunked = false, string? IfNoneMatch = null)
{
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 240)).ReplaceLineEndings("⏎");
        var printable = new string([.. body.Select(c => char.IsControl(c) ? '·' : c)]);
        return $"#{Index} {Category}/{Kind}: {Method} {Path[..Math.Min(Path.Length, 160)]} [{Body?.Length ?? 0} B] {printable}";
    }
}

/// <summary>
/// Hostile requests against forms the ledger already holds. Whatever a mutation does, a form's version is never the
/// next one together with a usable reason (except with a KPPS token, which may not send corrections), and its TPS is
/// never another real TPS, so the only acceptable outcomes are a retry, a conflict or a rejection: never a new row.
/// </summary>
public sealed class HostileRequests(IReadOnlyList<ResultForm> accepted, RegionRegistry registry, OfficerTokens officers, byte[] signingKey, int seed)
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

    // ---- structured mutations of accepted forms ----

    /// <summary>Sent with the form's own KPPS token, so that it reaches the rules.</summary>
    private HostileRequest Mutation(int index, Random random, ResultForm form)
    {
        var kind = Mutate(random, form, out var text);
        return new(index, "mutation", kind, HttpMethod.Post, Results, Utf8(text), Kpps(form));
    }

    private string Mutated(Random random, ResultForm form)
    {
        Mutate(random, form, out var text);
        return text;
    }

    /// <returns>What was done; the mutated form's text in <paramref name="text"/>.</returns>
    private string Mutate(Random random, ResultForm form, out string text)
    {
        var roll = random.Next(20);
        if (roll < 2) { text = Json(Shifted(form)); return "conflict"; } // valid, same version, other numbers: 409
        if (roll < 3) { text = Json(form); return "retry"; }
        var mutant = new Mutant(ApiJson.Form(form));
        var kinds = Enumerable.Range(0, random.Next(1, 4)).Select(_ => MutateOnce(random, form, mutant)).ToList();
        var current = _current[(form.Tps, form.Contest)];
        if (mutant.Json["version"] is JsonValue v && v.TryGetValue<long>(out var version) && version == current + 1
            && mutant.Json["reason"] is JsonValue r && r.TryGetValue<string>(out var reason) && !reason.StartsWith("@@") && reason.Trim().Length is > 0 and <= 500)
            throw new InvalidOperationException($"the generator made an acceptable correction of {form.Tps} {form.Contest}: {string.Join("+", kinds)}");
        text = mutant.Text();
        return string.Join("+", kinds);
    }

    private string MutateOnce(Random random, ResultForm form, Mutant m)
    {
        var json = m.Json;
        var paths = FieldPaths(form);
        switch (random.Next(12))
        {
            case 0:
                var number = Pick(random, paths.Where(p => p is not ("tps" or "contest" or "voted" or "ballots" or "votes" or "reason" or "photoSha256")).ToArray());
                Set(json, number, m.Raw(Pick(random, HostileNumbers)));
                return $"number:{number}";
            case 1:
                var removed = Pick(random, paths);
                Remove(json, removed);
                return $"remove:{removed}";
            case 2:
                var retyped = Pick(random, paths);
                // A string there would be a usable reason: no.
                Set(json, retyped, m.Raw(Pick(random, retyped is "reason" or "photoSha256" ? WrongTypes[1..] : WrongTypes)));
                return $"type:{retyped}";
            case 3:
                json[Pick(random, UnknownNames)] = m.Raw(Pick(random, UnknownValues));
                return "unknown-field";
            case 4:
                var (name, duplicate) = Pick(random, Duplicates(form));
                m.EditText(t => t.Replace(name, name + duplicate));
                return "duplicate-key";
            case 5:
                var nested = Pick(random, paths);
                Set(json, nested, m.Raw(Nesting(random)));
                return $"nesting:{nested}";
            case 6:
                var current = _current[(form.Tps, form.Contest)];
                if (random.Next(4) == 0)
                {
                    json["version"] = current + 1;
                    json["reason"] = m.Raw(Pick(random, ["null", "\"\"", "\"   \""]));
                    return "version:next-without-reason";
                }
                json["version"] = m.Raw(Pick(random, ["0", "-1", $"{current + 2}", $"{current + 9}", "100001", "2147483648", "1e30", "1.5", "\"2\"", "null"]));
                return "version";
            case 7:
                json["reason"] = m.Raw(Pick(random, HostileReasons));
                return "reason";
            case 8:
                // A lone surrogate only exists as an escape: a .NET string holding one cannot be written as JSON.
                json["tps"] = random.Next(10) == 0 ? m.Raw(Pick(random, ["\"\\ud800\"", $"\"{form.Tps}\\u0000\""])) : Pick(random, HostileTps(form));
                return "tps";
            case 9:
                json["contest"] = Pick(random, HostileContests(form));
                return "contest";
            case 10:
                return MutateVotes(random, m);
            default:
                json["photoSha256"] = m.Raw(Pick(random, HostilePhotos));
                return "photo";
        }
    }

    private static string MutateVotes(Random random, Mutant m)
    {
        if (m.Json["votes"] is not JsonObject { Count: > 0 } votes)
        {
            m.Json["votes"] = m.Raw("[10,20,30]");
            return "votes:array";
        }
        var first = votes.First().Key;
        switch (random.Next(5))
        {
            case 0: votes["99"] = 0; return "votes:extra";
            case 1: votes.Remove(first); return "votes:missing";
            case 2:
                var count = votes[first];
                votes.Remove(first);
                votes[Pick(random, ["01", " 1", "1.0", "-1", "", "１", "1\0", "__proto__"])] = count;
                return "votes:renamed";
            case 3: m.Json["votes"] = m.Raw("[10,20,30]"); return "votes:array";
            default: votes[first] = m.Raw(Pick(random, ["-5", "1e30", "\"7\"", "null"])); return "votes:value";
        }
    }

    private static readonly string[] HostileNumbers =
    [
        "-1", "-100001", "100001", "1e30", "99999999999999999999", "1.5", "\"12\"", "null", "true", "[]", "{}", "-0", "1e400",
        "9223372036854775808", "-9223372036854775809", "0.0000001e7", "NaN", "Infinity", "0x10", "+1", "01", ".5", "1E2",
    ];

    private static readonly string[] WrongTypes = ["\"text\"", "[1,2]", "{}", "{\"dpt\":1}", "true", "null", "17"];
    private static readonly string[] UnknownNames = ["extra", "__proto__", "$type", "constructor", "Valid", "VOTES", "tps\0", "$ref"];

    private static readonly string[] UnknownValues =
        ["{\"$type\":\"System.IO.FileInfo, System.IO.FileSystem\",\"fileName\":\"/etc/passwd\"}", "1", "[[]]", "\"x\"", "{\"$ref\":\"#\"}"];

    private static readonly string[] HostileReasons =
        ["\"\"", "\"   \"", Quote(new string('r', 501)), Quote(new string('r', 10_000)), Quote(new string('ü', 10_000)), "123", "[]", "{\"text\":\"x\"}", "true"];

    private static readonly string[] HostilePhotos =
    [
        "\"zz\"", Quote(new string('a', 63)), Quote(new string('a', 65)), Quote(new string('g', 64)), Quote(new string('A', 64)),
        Quote(new string('a', 64) + "\\u0000"), "\"../../etc/passwd\"", "123", "[]", Quote(string.Concat(Enumerable.Repeat("😀", 32))),
    ];

    private IReadOnlyList<string> HostileTps(ResultForm form)
    {
        var village = form.Tps[..form.Tps.LastIndexOf('.')];
        string[] tricks =
        [
            "../35", "..", "%2e%2e", "%2e%2e%2f35", "35.79/../35", $"{form.Tps}/..", $"{form.Tps}\0", $"{form.Tps}%00", $"{form.Tps} ",
            $" {form.Tps}", $"{form.Tps}.", $"{form.Tps}.001", $"{form.Tps}\n", Fullwidth(form.Tps), form.Tps.Replace('.', '\u2024'),
            form.Tps.Replace('.', '\uFF0E'), string.Concat(form.Tps.Select(c => char.IsAsciiDigit(c) ? (char)('\u0660' + c - '0') : c)),
            "35.79'; DROP TABLE kpu_ledger;--", "' OR '1'='1", "35.79\" OR \"1\"=\"1", "{{7*7}}", "${jndi:ldap://127.0.0.1/a}",
            "<script>alert(1)</script>", "..\\..\\windows\\win.ini", "", new string('9', 10_000), "35.79", "35", village,
        ];
        // A real TPS other than the form's own could take the form as a first version: never send one.
        return tricks.All(t => t == form.Tps || registry.Find(t) is not { Level: Level.Tps }) ? tricks
            : throw new InvalidOperationException("a TPS trick is a real TPS");
    }

    private IReadOnlyList<string> HostileContests(ResultForm form) =>
    [
        "", "pgub-35", "PGUB-35 ", " PGUB-35", "PGUB-35\0", "PGUB-35'; DROP TABLE kpu_ledger;--", "PBUP-35.07", "PWAL-35.78",
        "PGUB-35/../PWAL-35.79", "PGUB-3\uFF15", new string('A', 10_000),
        // The other contest covering the TPS: its form there is accepted too, at the same version, so a 409 at worst.
        registry.Get(form.Tps).Contests.First(c => c.Id != form.Contest).Id,
    ];

    private static (string Name, string Duplicate)[] Duplicates(ResultForm form) =>
    [
        ("{\"tps\":", $"\"{form.Tps}\",\"tps\":"), ("\"valid\":", $"{form.Valid + 1},\"valid\":"), ("\"votes\":{", "\"1\":0,"),
        ("\"voted\":{", "\"dpt\":0,"), ("\"version\":", "1,\"version\":"), ("{\"tps\":", "\"VALID\":1,\"tps\":"),
    ];

    private static string Nesting(Random random)
    {
        var depth = Pick(random, [17, 100, 10_000]);
        return random.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
    }

    private static string[] FieldPaths(ResultForm form) =>
    [
        "tps", "contest", "version", "registered", "voted", "voted.dpt", "voted.dptb", "voted.dpk", "ballots", "ballots.received",
        "ballots.used", "ballots.spoiled", "ballots.unused", "votes", .. form.Votes.Keys.Select(k => $"votes.{k}"), "valid", "invalid",
        "reason", "photoSha256",
    ];

    // ---- tokens ----

    private HostileRequest Token(int index, Random random, ResultForm form)
    {
        // Mostly an acceptable body (a retry or a conflict), so a token let through would show, not hide behind a 422.
        var body = random.Next(4) switch { 0 => Mutated(random, form), 1 => Json(Shifted(form)), _ => Json(form) };
        var (kind, authorization) = Pick(random, HostileTokens(form));
        return new(index, "token", kind, HttpMethod.Post, Results, Utf8(body), authorization);
    }

    private (string Kind, string? Authorization)[] HostileTokens(ResultForm form)
    {
        var tps = form.Tps;
        var village = tps[..tps.LastIndexOf('.')];
        var valid = Kpps(form);
        var otherTps = registry.TpsUnder("35.78").First().Code;
        var forged = valid.Split('.');
        forged[1] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"sub\":\"x\",\"region\":\"35\",\"role\":\"provinsi\",\"aud\":\"{OfficerToken.Audience}\",\"exp\":4102444800}}"));
        return
        [
            ("none", null),
            ("expired", Bearer(Jwt(tps, "kpps", c => c["exp"] = Now - 3_600))),
            ("wrong-key", Bearer(Jwt(tps, "kpps", key: Encoding.UTF8.GetBytes("not the cluster's key, 32 bytes!")))),
            ("wrong-audience", Bearer(Jwt(tps, "kpps", c => c["aud"] = "kpu-elsewhere"))),
            ("no-audience", Bearer(Jwt(tps, "kpps", c => c.Remove("aud")))),
            ("alg-none", Bearer(Jwt(tps, "kpps", alg: "none"))),
            ("hs512", Bearer(Jwt(tps, "kpps", alg: "HS512"))),
            ("no-exp", Bearer(Jwt(tps, "kpps", c => c.Remove("exp")))),
            ("not-yet-valid", Bearer(Jwt(tps, "kpps", c => c["nbf"] = Now + 3_600))),
            ("forged-payload", Bearer(string.Join('.', forged))),
            ("garbage", "Bearer"), ("garbage", "Bearer "), ("garbage", "Basic dXNlcjpwYXNz"), ("garbage", "Bearer a.b.c"),
            ("garbage", "Bearer " + new string('A', 6_000)), ("garbage", $"Token {valid[7..]}"), ("garbage", $"Bearer {valid[7..]} {valid[7..]}"),
            ("garbage", "Bearer ẞ.ẞ.ẞ"), ("garbage", "Bearer ...."), ("garbage", "Bearer " + valid[7..^5]),
            ("no-sub", Bearer(Jwt(tps, "kpps", c => c.Remove("sub")))),
            ("no-region", Bearer(Jwt(tps, "kpps", c => c.Remove("region")))),
            ("no-role", Bearer(Jwt(tps, "kpps", c => c.Remove("role")))),
            ("unknown-role", Bearer(Jwt(tps, "admin"))), ("unknown-role", Bearer(Jwt(tps, "KPPS"))),
            ("empty-claims", Bearer(Jwt("", "kpps", c => c["sub"] = " "))),
            ("role-array", Bearer(Jwt(tps, "kpps", c => c["role"] = new JsonArray("kpps", "provinsi")))),
            ("scope:other-tps", Bearer(Jwt(otherTps, "kpps"))),
            ("scope:other-village", Bearer(Jwt(otherTps[..otherTps.LastIndexOf('.')], "pps"))),
            ("scope:role-level", Bearer(Jwt(village, "kpps"))), ("scope:role-level", Bearer(Jwt(tps, "pps"))),
            ("scope:role-level", Bearer(Jwt("35.79", "provinsi"))),
            ("scope:unknown-region", Bearer(Jwt("99.99.99.9999.999", "kpps"))),
            ("scope:sql-region", Bearer(Jwt("35.79'; DROP TABLE kpu_ledger;--", "kabkota"))),
            ("scope:prefix-trick", Bearer(Jwt(tps[..^1], "kpps"))),
            ("wide", Bearer(Jwt(village, "pps"))), ("wide", Bearer(Jwt("35.79", "kabkota"))), ("wide", Bearer(Jwt("35", "provinsi"))),
            ("lowercase-scheme", "bearer " + valid[7..]),
        ];
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>A JWT made by hand, so that every part of it can be wrong.</summary>
    private string Jwt(string region, string role, Action<JsonObject>? change = null, string alg = "HS256", byte[]? key = null)
    {
        var claims = new JsonObject
        {
            ["sub"] = $"fuzz-{role}", ["region"] = region, ["role"] = role, ["aud"] = OfficerToken.Audience,
            ["iat"] = Now, ["nbf"] = Now - 60, ["exp"] = Now + 3_600,
        };
        change?.Invoke(claims);
        var input = $"{Base64Url.EncodeToString(Utf8(new JsonObject { ["alg"] = alg, ["typ"] = "JWT" }.ToJsonString()))}.{Base64Url.EncodeToString(Utf8(claims.ToJsonString()))}";
        var signature = alg switch
        {
            "HS256" => HMACSHA256.HashData(key ?? signingKey, Utf8(input)),
            "HS512" => HMACSHA512.HashData(key ?? signingKey, Utf8(input)),
            _ => [],
        };
        return $"{input}.{Base64Url.EncodeToString(signature)}";
    }

    // ---- corrections ----

    private HostileRequest Correction(int index, Random random, ResultForm form)
    {
        var current = _current[(form.Tps, form.Contest)];
        var latest = accepted.First(f => f.Tps == form.Tps && f.Contest == form.Contest && f.Version == current);
        var next = SampleForms.Correction(latest, registry.Get(form.Tps), registry.FindContest(form.Contest)!, random);
        var (kind, body, token) = random.Next(5) switch
        {
            0 or 1 => ("kpps-correction", next, Kpps(form)), // 403: a KPPS sends version 1 only
            2 => ("version-jump", next with { Version = current + random.Next(2, 8) }, Village(form)), // 409
            3 => ("same-version-other-content", next with { Version = current }, Village(form)), // 409
            _ => ("kpps-resend", form, Kpps(form)), // 200 for version 1, 403 for a correction
        };
        return new(index, "correction", kind, HttpMethod.Post, Results, Utf8(Json(body)), token);
    }

    // ---- raw garbage ----

    private HostileRequest Garbage(int index, Random random, ResultForm form)
    {
        var text = Json(form);
        var path = random.Next(4) == 0 ? Batch : Results;
        var request = new HostileRequest(index, "garbage", "", HttpMethod.Post, path, Authorization: path == Batch ? Village(form) : Kpps(form));
        return random.Next(13) switch
        {
            0 => request with { Kind = "random-bytes", Body = RandomBytes(random, random.Next(1, 4_096)) },
            1 => request with { Kind = "invalid-utf8", Body = InvalidUtf8(random, form) },
            2 => request with { Kind = "truncated", Body = Utf8(text[..random.Next(text.Length)]) },
            3 => request with { Kind = "empty", Body = Pick(random, [[], Utf8("   "), Utf8("\r\n")]) },
            4 => request with { Kind = "top-level", Body = Utf8(Pick(random, ["null", "[]", $"[{text}]", "\"form\"", "42", "true", "{}", "-1e400"])) },
            5 => request with { Kind = "content-type", Body = Utf8(text), Path = Results, Authorization = Kpps(form), ContentType = Pick(random, ContentTypes) },
            6 => request with { Kind = "syntax", Body = Utf8(Pick(random, Syntax(text))) },
            7 => request with { Kind = "encoding", Body = Pick(random, [[0xEF, 0xBB, 0xBF, .. Utf8(text)], Encoding.Unicode.GetBytes(text), Encoding.UTF32.GetBytes(text), Encoding.Latin1.GetBytes(text.Replace("\"tps\"", "\"tpsé\""))]) },
            8 => request with { Kind = "over-64KiB", Path = Results, Authorization = Kpps(form), Body = Padded(text, FormLimit + 1 + random.Next(100)), Chunked = random.Next(2) == 0 },
            9 => request with { Kind = "exactly-64KiB", Path = Results, Authorization = Kpps(form), Body = Padded(text, FormLimit) },
            10 => request with { Kind = "other-formats", Body = Utf8(Pick(random, OtherFormats(form))), ContentType = Pick(random, ContentTypes) },
            11 => request with { Kind = "nul-bytes", Body = new byte[random.Next(1, 2_000)] },
            _ => request with { Kind = "numbers-only", Body = Utf8(new string('1', random.Next(1_000, 60_000))) },
        };
    }

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
        "application/json; charset=utf-16", "garbage/garbage;;;", "application/problem+json", "*/*",
    ];

    private static string[] Syntax(string text) =>
    [
        text[..^1] + ",}", "/* c */" + text, text + "// c", text.Replace('"', '\''), text.Replace("\"tps\"", "tps"), text + text,
        text + "garbage", text.Replace(":", "="), text.Replace("\"contest\"", "\"con\\u00\""), text.Replace("\"tps\":\"", "\"tps\":\"\\x41"),
        text.Replace("\"tps\":\"", "\"tps\":\"\u0001"),
    ];

    private static string[] OtherFormats(ResultForm form) =>
    [
        $"<form><tps>{form.Tps}</tps><contest>{form.Contest}</contest></form>",
        $"tps={form.Tps}&contest={form.Contest}&version=1&valid=1",
        $"--x\r\nContent-Disposition: form-data; name=\"tps\"\r\n\r\n{form.Tps}\r\n--x--\r\n",
        $"tps: {form.Tps}\ncontest: {form.Contest}\n",
    ];

    private static byte[] InvalidUtf8(Random random, ResultForm form)
    {
        const string marker = "@@bad@@";
        var json = ApiJson.Form(form);
        switch (random.Next(5))
        {
            case 0: json["tps"] = form.Tps + marker; break;
            case 1: json["reason"] = "r" + marker; break;
            case 2: json["x" + marker] = 1; break;
            case 3:
                var votes = (JsonObject)json["votes"]!;
                var count = votes["1"];
                votes.Remove("1");
                votes["1" + marker] = count;
                break;
            default: json["contest"] = marker + form.Contest; break;
        }
        byte[][] bad = [[0xC3, 0x28], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80, 0x80]];
        var text = json.ToJsonString(Raw);
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        return [.. Utf8(text[..at]), .. Pick(random, bad), .. Utf8(text[(at + marker.Length)..])];
    }

    /// <summary>The form with an unknown padding field, to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Padded(string text, int size)
    {
        const string prefix = "{\"padding\":\"", suffix = "\",";
        var padding = size - prefix.Length - suffix.Length - (text.Length - 1);
        var body = Utf8(prefix + new string('x', padding) + suffix + text[1..]);
        return body.Length == size ? body : throw new InvalidOperationException($"padded to {body.Length}, not {size}");
    }

    private HostileRequest OverBatchLimit(int index, bool chunked) =>
        new(index, "garbage", chunked ? "over-8MiB-chunked" : "over-8MiB", HttpMethod.Post, Batch,
            Padded("{\"forms\":[]}", BatchLimit + 1), Bearer(officers.For(accepted)), Chunked: chunked);

    // ---- batches ----

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

    // ---- hostile reads ----

    private HostileRequest Read(int index, Random random, ResultForm form)
    {
        var village = form.Tps[..form.Tps.LastIndexOf('.')];
        var code = random.Next(3) == 0 ? Pick(random, ["35", "35.79", form.Tps, village, "35.78", "35.79.01.1001.999"]) : Pick(random, HostileCodes(form.Tps));
        var contest = random.Next(3) == 0 ? Pick(random, ["PGUB-35", "PWAL-35.79", "PBUP-35.07"]) : Pick(random, PathContests);
        var read = new HostileRequest(index, "read", "", HttpMethod.Get, "");
        return random.Next(9) switch
        {
            0 => read with { Kind = "tally", Path = $"/api/v1/tally/{contest}/{code}" },
            1 => read with { Kind = "children", Path = $"/api/v1/tally/{contest}/{code}/children" },
            2 => read with { Kind = "region", Path = $"/api/v1/regions/{code}" },
            3 => read with { Kind = "tps-results", Path = $"/api/v1/tps/{code}/results/{contest}" },
            4 => read with { Kind = "export", Path = $"/api/v1/export/{Pick(random, PathContests)}.csv" },
            5 => read with { Kind = "anomalies", Path = $"/api/v1/anomalies?limit={Pick(random, Limits)}" },
            6 => read with { Kind = "odd-path", Path = Pick(random, OddPaths) },
            7 => read with
            {
                Kind = "method", Method = Pick(random, [HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Post]),
                Path = Pick(random, ["/api/v1/results", "/api/v1/tally/PGUB-35/35", "/api/v1/regions/35", "/api/v1/results/batch/1"]),
                Body = Utf8(Json(form)), Authorization = Kpps(form),
            },
            _ => read with { Kind = "if-none-match", Path = $"/api/v1/tally/{contest}/{code}", IfNoneMatch = Pick(random, ["*", "\"0\"", "garbage", "\"" + new string('f', 4_000) + "\"", "W/\"1\", \"2\""]) },
        };
    }

    private static string[] HostileCodes(string tps) =>
    [
        "..", "../35", "%2e%2e", "%2E%2E%2F35", "35.79/../35", "35.79%2F..%2F35", $"{tps}%00", "%00", $"{tps}%0d%0aX-Injected:%201",
        Uri.EscapeDataString("35.79'; DROP TABLE kpu_ledger;--"), Uri.EscapeDataString("' OR '1'='1"), Uri.EscapeDataString(Fullwidth(tps)),
        "%C0%AE%C0%AE", "%FF%FE", "%EF%BC%93%EF%BC%95", new string('9', 1_000), new string('9', 10_000), $"{tps}.", $"{tps};jsessionid=1",
        Uri.EscapeDataString("<script>alert(1)</script>"), "35.79%20", "~", "99", "35.79.99", "%25", "35.79%252F..",
    ];

    private static readonly string[] PathContests =
    [
        "PGUB-36", "pgub-35", "PGUB-35%00", Uri.EscapeDataString("PGUB-35'; DROP TABLE kpu_ledger;--"), "..", "%2e%2e", "PGUB-35%2F..%2F..",
        new string('A', 3_000), "%FF", "PGUB-35%20", "PGUB-35.csv", "",
    ];

    private static readonly string[] Limits =
        ["-1", "0", "501", "99999999999", "abc", "1e3", "1.5", "", "%00", "1&limit=2", "100", "-2147483649", "%2B5", "500", "1"];

    private static readonly string[] OddPaths =
    [
        "/api/v1/../../etc/passwd", "/api/v2/tally/PGUB-35/35", "/api/v1/tally", "/api/v1/tally/PGUB-35", "/api/v1//tally/PGUB-35/35",
        "/%2e%2e/%2e%2e/etc/passwd", "/api/v1/tally/PGUB-35/35/children/children", "/api/v1/tps/35.79.01.1001.001/results",
        "/api/v1/export/.csv", "/api/v1/export/PGUB-35.csv.bak", "/api/v1/export/PGUB-35", "/API/V1/TALLY/pgub-35/35",
        "/api/v1/anomalies/../../../etc/passwd", "/api/v1/regions/35?code=35.79'--", "/api/v1/tally/PGUB-35/35?" + new string('q', 5_000),
    ];

    // ---- helpers ----

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

    private static void Set(JsonObject json, string path, JsonNode value)
    {
        var dot = path.IndexOf('.');
        if (dot > 0 && json[path[..dot]] is JsonObject parent) parent[path[(dot + 1)..]] = value;
        else json[path] = value;
    }

    private static void Remove(JsonObject json, string path)
    {
        var dot = path.IndexOf('.');
        if (dot > 0 && json[path[..dot]] is JsonObject parent) parent.Remove(path[(dot + 1)..]);
        else json.Remove(path);
    }

    /// <summary>A form's JSON under mutation, plus raw text for what a JSON tree cannot hold (1e400, NaN, duplicate keys).</summary>
    private sealed class Mutant(JsonObject json)
    {
        private readonly List<(string Marker, string Text)> _raw = [];
        private readonly List<Func<string, string>> _edits = [];

        public JsonObject Json => json;

        public JsonNode Raw(string text)
        {
            var marker = $"@@raw{_raw.Count}@@";
            _raw.Add((marker, text));
            return JsonValue.Create(marker);
        }

        public void EditText(Func<string, string> edit) => _edits.Add(edit);

        public string Text()
        {
            var text = json.ToJsonString(HostileRequests.Raw);
            foreach (var (marker, raw) in _raw) text = text.Replace($"\"{marker}\"", raw);
            return _edits.Aggregate(text, (t, edit) => edit(t));
        }
    }
}
