namespace KpuOrleans.Simulator.Options;

/// <summary>The prose of <c>--help</c> around what the option definitions generate: what the simulator does, what it expects of every answer, its exit codes.</summary>
internal static class Manual
{
    public const string Intro = """
        KpuOrleans election-night simulator: sends a C.Hasil form for every TPS and every race covering it, for the
        registry (Jawa Timur, or the whole country with --registry data/indonesia) or a slice of it, to a KpuOrleans gateway, checks every answer, follows tallies live over SignalR, and at the end checks the
        tallies the API shows against its own recount of the forms it got accepted.

        KpuOrleans.Simulator [night|flood] [options]
          night   Replay election night: polls close 13:00 WIB, TPS report along the 2024 curve, sped up by --speed
                  (720: 12 h in a minute). The default. Jawa Timur: 98.5% by 01:00, the last by 07:00. The whole
                  country (--registry data/indonesia): KPU reached about 90% of TPS some eleven hours after the polls
                  closed (00:00 WIB), the last by 09:00 (an assumption shaped on Jawa Timur's curve).
          flood   Send everything as fast as the target takes it, in a seeded random order.
        """;

    public const string Notes = """
        Every answer is checked: first forms and corrections must be 201, retries 200 with the first acceptance,
        invalid forms 422; anything else (409, 5xx, no answer, ...) is an error. The end-of-run check reads the
        tally of every race at every checked region and compares each figure with the recount.

        Photos (--photos > 0 or --dispute-share > 0): each page is a synthetic C.Hasil sheet rendered from the form
        (the same bytes every time, so a retry has the same name), uploaded before the form or, for --photo-late, by a
        later step. Every upload must be 201 (or found stored: HEAD 200), every dispute 201. At the end every page any
        accepted version cites must be stored (HEAD 200), and each tally's photoMissing and disputesOpen must equal
        the recount (photoMissing 0 when every upload went through), as must its anomalies, which count a TPS still
        photo-missing or disputed. rehearse sends --photos 0.1 --photo-late 0.3 --dispute-share 0.002.

        A 429 Too Many Requests (the gateway's rate limits: per writer token, per client address for reads and
        hub connections) is neither an answer nor an error: every request (forms, tally reads, viewers connecting)
        waits the Retry-After (1 s without one, at most 30 s) and goes again, and the report counts how often.
        A request still refused after 5 minutes of that takes the 429 as its answer.

        Exit code: 0 when every answer and every tally was as expected; 1 otherwise; 2 for a usage error; 130 when
        interrupted (Ctrl+C). token: 0 when it printed a token, 2 otherwise. certify: 0 when every certification is
        in force, 1 when one was refused, 2 for a usage error. rehearse: 0 when stopped (Ctrl+C), 2 when refused.
        """;
}
