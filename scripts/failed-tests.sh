#!/usr/bin/env bash
# Prints, from a `dotnet test` log, every failed test with its message and stack, each project's verdict, and last the
# names of the failed tests. Used by .ci/run so that a failure shows in the last lines of a long, interleaved log.
set -euo pipefail
log="${1:?usage: scripts/failed-tests.sh LOG}"

# A failed test's block starts at "  Failed Name [time]" and runs until the next test's verdict (at most 40 lines).
awk '
    /^[[:space:]]+Failed [^ ]+ \[/ { printing = 1; lines = 0; print; next }
    printing && /^[[:space:]]+(Passed|Failed|Skipped) [^ ]+ \[/ { printing = 0 }
    printing { if (++lines <= 40) print; else if (lines == 41) print "    ... (cut at 40 lines)" }
' "$log"

echo
echo "---- each project's verdict ----"
grep -E "^(Failed!|Passed!)|Test Run (Failed|Successful|Aborted)|error [A-Z]+[0-9]+:|test run was aborted" "$log" || true
echo
echo "---- failed tests ----"
grep -E "^[[:space:]]+Failed [^ ]+ \[|\[FAIL\]" "$log" || echo "(no test reported as failed: see the verdicts and errors above)"
