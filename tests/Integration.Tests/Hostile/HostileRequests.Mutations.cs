using System.Text.Json.Nodes;
using KpuOrleans.Forms;
using KpuOrleans.Registry;
using KpuOrleans.TestKit;

namespace KpuOrleans.Integration.Tests.Hostile;

/// <summary>
/// Structured mutations of accepted forms: hostile numbers, wrong types, unknown and duplicate fields, deep nesting,
/// bad versions, reasons, TPS codes, contests, votes and photos.
/// </summary>
public sealed partial class HostileRequests
{
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
            && mutant.Json["reason"] is JsonValue r && r.TryGetValue<string>(out var reason) && !reason.StartsWith("@@") && reason.Trim().Length is > 0 and <= 500
            && !FormRules.HasControl(reason))
            throw new InvalidOperationException($"the generator made an acceptable correction of {form.Tps} {form.Contest}: {string.Join("+", kinds)}");
        text = mutant.Text();
        return string.Join("+", kinds);
    }

    private string MutateOnce(Random random, ResultForm form, Mutant m)
    {
        var json = m.Json;
        var paths = FieldPaths(form);
        switch (random.Next(13))
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
            case 11:
                return ControlText(random, form, m);
            default:
                json["photoSha256"] = m.Raw(Pick(random, HostilePhotos));
                return "photo";
        }
    }

    /// <summary>
    /// Issue 14: NUL and other control characters in each string field, most often in the one correction that would
    /// otherwise be accepted (the next version, with a reason), where PostgreSQL was the only thing left to refuse it.
    /// </summary>
    private string ControlText(Random random, ResultForm form, Mutant m)
    {
        var control = Pick(random, ControlCharacters);
        var json = m.Json;
        switch (random.Next(6))
        {
            case 0 or 1:
                json["version"] = _current[(form.Tps, form.Contest)] + 1;
                json["reason"] = $"recount{control}by PPS";
                return "control:reason";
            case 2:
                json["tps"] = random.Next(2) == 0 ? form.Tps + control : control + form.Tps;
                return "control:tps";
            case 3:
                json["contest"] = form.Contest + control;
                return "control:contest";
            case 4:
                if (json["votes"] is not JsonObject { Count: > 0 } votes) return "control:none";
                var first = votes.First().Key;
                var count = votes[first];
                votes.Remove(first);
                votes[first + control] = count;
                return "control:votes";
            default:
                json["photoSha256"] = new string('a', 63) + control;
                return "control:photo";
        }
    }

    /// <summary>NUL, C0 (tab and newline are allowed, carriage return is not), DEL and C1.</summary>
    private static readonly string[] ControlCharacters = ["\0", "\u0001", "\u0007", "\u001b", "\r", "\u007f", "\u0085", "\u009b", "\u009f"];

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
        ["\"\"", "\"   \"", "\"recount\\u0000\"", "\"\\u001b[2Jrecount\"", "\"recount\\u0085\"", Quote(new string('r', 501)), Quote(new string('r', 10_000)), Quote(new string('ü', 10_000)), "123", "[]", "{\"text\":\"x\"}", "true"];

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
}
