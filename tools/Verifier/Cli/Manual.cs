namespace KpuOrleans.Verifier.Cli;

/// <summary>The prose of <c>--help</c> around what the option definitions generate: what the verifier is, and its files, checks and exit codes.</summary>
internal static class Manual
{
    public const string Intro = """
        KpuOrleans verifier: checks that the tallies KpuOrleans publishes are exactly what the accepted forms say,
        from the public API or from files downloaded from it, and nothing else, and that every certificate in force
        certifies exactly that. It recomputes every digest and every tally itself (docs/API.md, "Digests"), so it does
        not have to trust the server.

        KpuOrleans.Verifier download --api URL --out FOLDER [--contests IDS] [--parallel N]
        KpuOrleans.Verifier check FOLDER [--contests IDS]
        KpuOrleans.Verifier check --api URL [--contests IDS] [--parallel N] [--photos all|none|N]
        KpuOrleans.Verifier prove --contest ID --tps CODE (--receipt DIGEST | --form FILE)
            (--api URL [--certificate none|CODE|DIGEST] [--save FILE] | --proof FILE [--top DIGEST])
        (from the repository: dotnet run --project tools/Verifier -- check --api http://localhost:5080)

        Any registry: one province, or the whole country (545 races; the root 0 is no race's scope, so no tally
        is read there). Each contest is read from its own scope down and checked on its own, one at a time.
        """;

    public const string Notes = """
        Files (plain, so that a copy can be read and changed by hand):
          contests.json          GET /api/v1/contests as answered: each contest's id, scope and candidates, whose
                                 order is the ballot order the digests use.
          {contest}.csv          GET /api/v1/export/{contest}.csv as answered: a header, then one row per TPS with
                                 its latest accepted form: tps,version,registered,voted_dpt,voted_dptb,voted_dpk,
                                 ballots_received,ballots_used,ballots_spoiled,ballots_unused,votes_<n>...,valid,
                                 invalid,accepted_at,digest, and (since photos) photos: the pages the form
                                 cites, space-separated SHA-256 names. Columns are found by name.
          {contest}.tallies.json A JSON array of every tally object the API published for the contest: its scope's
                                 (GET /api/v1/tally/{contest}/{scope}) and every region's and TPS's below it (each
                                 region's GET .../children), one object per line, in code order, as answered.
          {contest}.certificates.json
                                 GET /api/v1/export/{contest}/certificates.json as answered: every certificate of the
                                 contest, withdrawn ones included. A folder without it is checked as a contest with
                                 no certificates, and check says so.

        Checks, per contest:
          1. Each row's digest column is the digest of the row's own numbers (API.md's TPS encoding).
          2. Each row keeps the rules a form must keep that need no registry: every number 0..100,000 (rule 2),
             voted_dpt <= registered (4), votes sum to valid (5), valid + invalid = voted = ballots_used (6),
             used + spoiled + unused = received (7), version >= 1 (8). Breaking one is "impossible numbers".
          3. Every tally is recomputed from the rows, bottom up to the contest's scope (a code's parent is the code
             without its last segment): votes, valid, invalid, voted, registeredReported, tpsReported, version (the
             sum of the children's) and digest (API.md's region encoding). Every published tally must equal its
             recomputation; one of a region without forms must be all zeros with a null digest; a region or TPS with
             forms must have a published tally.
          4. Every certificate in force (withdrawn null) froze the forms below it, so its tally must equal the
             recomputation (the figures of 3) and its digest the recomputed digest; the region's published tally
             must show "certified" with the same by, at and digest. A published tally showing "certified" needs a
             certificate in force; a region has at most one. Bottom up: a certified regency needs every one of its
             districts certified, a province every regency (the root 0 certifies nothing). Withdrawn certificates are history (the forms may
             have been corrected since): they are only checked for being well formed (a signer, a time, a digest,
             and a withdrawal with by, at and reason).

          5. With --api, the photos (API.md, "Photos of the form"): every photo the contest's photo list cites must be
             stored (GET or HEAD /api/v1/photos/{sha256} answers 200), and every one downloaded must hash, byte for
             byte, to its name. --photos says how many are downloaded (the rest are asked for with HEAD). The list is
             GET /api/v1/export/{contest}/photos.csv (tps,version,photos), saved as {contest}.photos.csv; a server
             without it is from before photos: its photos are skipped, with a note. Offline, photos
             are not checked (the folder holds no photos), and check says so.
             A problem is a line "PHOTO <sha256> (cited by CONTEST TPS, ...): missing ..." or "...: the N bytes GET
             answered hash to <other>, not to their name", then "Photos OK: ..." or "Photos FAILED: ...".

        Output: one line per difference, "CONTEST REGION (LEVEL): what differs, published vs recomputed", in code
        order, then "OK: every one of N published tallies and M forms of K contests matches the forms; C certificates
        in force, W withdrawn" or "FAILED: D differences in R regions (...)".

        prove, one TPS's form inside the total (docs/API.md, "Receipts and inclusion proofs"), bottom up, the first
        failing step naming the level where the proof breaks:
          1. Every level's text is hashed (SHA-256, lowercase hex); the digests the proof states are only read.
          2. The first level is the TPS asked, in the contest asked: its text is the TPS text; with --receipt it hashes
             to the receipt; with --form it is, byte for byte, the text of the form's numbers (ballot numbers in
             ascending order). Otherwise the counted form is not the one held: it breaks at the TPS.
          3. Each level above is its parent's region text (header, contest, region) and holds the line
             "child <code below> <digest below>"; if not, it breaks at the level below. Each text must also be
             canonical ("Digests": every name in its place, numbers without sign or leading zeros, child lines in
             ordinal order of their codes), and the proof's region, level and digest fields what the text says;
             if not, it breaks at that level.
          4. A live proof ends at the race's scope (GET /api/v1/contests; offline, the code the contest id ends in),
             and its top is the digest of GET /api/v1/tally/{contest}/{scope} read just before or just after the proof
             (if neither, everything is read again, 3 times in all). A proof against a certificate has, at every level
             marked certified, that certificate's digest, in force in GET /api/v1/export/{contest}/certificates.json,
             and ends at the highest certificate in force on the path (or the one --certificate names). A path
             that ends too low breaks at the first missing level. A saved proof's top is confirmed only with --top;
             without it prove says the top could not be confirmed.
          A 404 "Not counted" (nothing of the TPS counted where the proof would end) breaks at the TPS, with the
          latest accepted version the server gives.

        prove prints the path from the TPS up, one line per level ("[ok]" ticked, "[XX]" where it breaks or a missing
        level, "[  ]" not reached, "[??]" a top not confirmed), then "inside the live total: ...", "inside the certified
        total: ..." or "breaks at CODE (LEVEL): why".

        Exit code: 0 when everything matches; 1 when there are differences; 2 when the evidence could not be had or
        read (a usage error, a missing file, a file not of the shape above, an API that does not answer). A cited
        photo that is missing, or that does not hash to its name, is a difference.
        prove's exit code: 0 when the form is inside the total (a saved proof without --top: the chain holds, its
        top unconfirmed); 1 when the proof breaks (the form not counted included); 2 as above (a usage error, an
        unreadable form or proof file, a proof not of API.md's shape, an API that does not answer or answers
        another 4xx).
        """;
}
