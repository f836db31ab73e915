using KpuOrleans.Forms;

namespace KpuOrleans.Integration.Tests.Hostile;

/// <summary>
/// Hostile reads: traversal, injection and oversized codes and contests in the read paths, odd paths and methods, bad
/// limits and entity tags.
/// </summary>
public sealed partial class HostileRequests
{
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
}
