#!/usr/bin/env bash
# The scaling rehearsal (README, "Scale silos under load"): PostgreSQL, 2 silos and 2 gateways as processes on
# loopback with the environment of k8s/, steady submissions and 200 live viewers; silos scaled 2 → 4 → 2 and rolled
# with SIGTERM, then one SIGKILLed. It is the test ScalingRehearsalTests (also run by `dotnet test`); this prints its
# figures. Exit code: the test's.
set -euo pipefail
cd "$(dirname "$0")/.."

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test tests/Integration.Tests --filter "FullyQualifiedName~ScalingRehearsalTests" \
    --logger "console;verbosity=detailed" >"$log" 2>&1 || status=$?
# The test's own lines, once (the logger prints them twice), then the verdict.
sed -n '/Standard Output Messages:/,$p' "$log" | grep -E '^ +(\[|verify|[0-9,]+ latest)' | sed 's/^ //' || true
grep -E '^(Passed!|Failed!)|Total tests|Passed:|Failed:|Error Message' -A2 "$log" | grep -v '^--$' | head -20
if [ "$status" -ne 0 ]; then
    echo "scaling rehearsal FAILED (full output: rerun without this script, or see the process logs under tests/Integration.Tests/bin/*/net10.0/TestResults/processes/)" >&2
fi
exit "$status"
