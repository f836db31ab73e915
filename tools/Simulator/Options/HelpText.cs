namespace KpuOrleans.Simulator.Options;

internal static class HelpText
{
    public const string Text = """
        KpuOrleans election-night simulator: sends a C.Hasil form for every TPS and race of the registry (or a slice of
        it) to a KpuOrleans gateway, checks every answer, follows tallies live over SignalR, and at the end checks the
        tallies the API shows against its own recount of the forms it got accepted.

        Usage: KpuOrleans.Simulator [night|flood] [options]

        Modes
          night                    Replay election night: polls close 13:00 WIB, TPS report along the 2024 curve
                                   (98.5% by 01:00, the last by 07:00), sped up by --speed. The default.
          flood                    Send everything as fast as the target takes it, in a seeded random order.

        Other commands
          token --region CODE --role ROLE [--expires 12h] [--issuer ISS]
                                   Print a writer's token (API.md, "Authentication"), for at most 24 h (or
                                   Auth__MaxTokenLifetime), from Auth__Issuer (default kpu-orleans).
          certify [--target URL] [--regions CODES] [--token-key BASE64]
                                   Certify bottom up every district, regency and (for the whole province) the
                                   province, in every race (API.md, "Certification"); exit 0 when all are in force.

        Options
          --mode night|flood       Same as the positional mode.
          --target URL             The gateway. Default http://localhost:5080
          --regions CODES          Comma-separated region codes to restrict the run to (e.g. 35.78,35.79 or a
                                   district or village). Default: the whole province.
          --seed N                 Seed for the forms, the mix, the arrival times and the viewers. Default 2024.
          --speed X                Night mode: how many times faster than real time (720 = 12 h in 1 min).
                                   Default 720.
          --concurrency N          Requests in flight at once (1-1024). Default 16.
          --batch N                Forms per request (1-1000); above 1, POST /api/v1/results/batch. Default 1.
          --retries P              Percent of (TPS, race) forms sent again after acceptance: expect 200. Default 3.
          --corrections P          Percent corrected with version+1 and a reason: expect 201. Default 1.
          --invalid P              Percent preceded by a form breaking a rule of API.md: expect 422. Default 1.
          --subscribers M          SignalR viewers on /hubs/tally, each following one random region of the slice at
                                   every level down to a TPS; measures delivery delay. Default 0.
          --settle SECONDS         How long the end-of-run checks wait for tallies to catch up. Default 60.
          --timeout SECONDS        HTTP request timeout; a request without an answer counts as an error. Default 30.
          --attempts N             Sends per form when there is no answer or a 5xx (each one an error); a 429
                                   does not spend one. Default 3.
          --check-down-to LEVEL    Deepest level the final check reads: province, regency, district, village or
                                   tps (it always reads every level above the slice too), or none to skip the
                                   check (a target that serves no tallies). Default village.
          --report-json FILE       Also write the run's figures (throughput, latency and delivery percentiles,
                                   answers by status, the check) to FILE as JSON.
          --token-key BASE64       Sign a bearer token for every officer with this HS256 key (the gateways'
                                   Auth__SigningKey, which is also the default): a TPS's KPPS sends its first
                                   form, its village's PPS the corrections, a batch the narrowest office holding
                                   all its forms. Without a key, forms go without tokens.
          --data FOLDER            Registry folder (jatim-*.csv). Default: data/ beside the simulator.
          --plain                  Periodic plain lines instead of the live display (automatic when output is
                                   redirected).
          --progress-interval S    Seconds between plain progress lines. Default 5.
          -h, --help               This text.

        Every answer is checked: first forms and corrections must be 201, retries 200 with the first acceptance,
        invalid forms 422; anything else (409, 5xx, no answer, ...) is an error. The end-of-run check reads the
        tally of every race at every checked region and compares each figure with the recount.

        A 429 Too Many Requests (the gateway's rate limits: per writer token, per client address for reads and
        hub connections) is neither an answer nor an error: every request (forms, tally reads, viewers connecting)
        waits the Retry-After (1 s without one, at most 30 s) and goes again, and the report counts how often.
        A request still refused after 5 minutes of that takes the 429 as its answer.

        Exit code: 0 when every answer and every tally was as expected; 1 otherwise; 2 for a usage error.
        """;
}
