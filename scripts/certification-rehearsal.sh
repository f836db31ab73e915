#!/usr/bin/env bash
# The certification rehearsal (README, "Check the count yourself"), unattended: a freshly started embedded gateway on
# free ports, the simulator's night into it, every district, regency and the province certified bottom up, everything
# downloaded by the verifier and checked. Prints each step's summary and how long it took; the gateway's log and every
# step's full output stay in the work folder with the evidence.
#
#   scripts/certification-rehearsal.sh [--speed X | --flood] [--regions CODES] [--out FOLDER]
#
#   --speed X        The night sped up X times (default 720: the 12 hours of the arrival curve in a minute).
#   --flood          Every form as fast as the gateway takes it instead of the night's curve.
#   --regions CODES  Only these regions (e.g. 35.79): the province is then not certified. Default: the whole province.
#   --out FOLDER     Where the evidence, logs and outputs go. Default: a new folder under ${TMPDIR:-/tmp}.
#
# Exit code: the verifier's (0 everything matches, 1 differences, 2 it could not tell), or the exit code of the first
# step that failed before it (the build, the gateway, the night, the certification or the download).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=(night --speed 720)
regions=()
out=""
while [ $# -gt 0 ]; do
    case "$1" in
        --speed) mode=(night --speed "$2"); shift 2 ;;
        --flood) mode=(flood); shift ;;
        --regions) regions=(--regions "$2"); shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done
out="${out:-$(mktemp -d "${TMPDIR:-/tmp}/kpu-certification-rehearsal.XXXXXX")}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

configuration=Release
started=$SECONDS
step_started=$SECONDS
step() { step_started=$SECONDS; echo; echo "== $*"; }
took() { echo "   ($((SECONDS - step_started)) s)"; }

# A port nobody listens on; the gateway binds it moments later, so a clash is unlikely, and it would fail loudly.
free_port() {
    local port
    while true; do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
    done
}

gateway_pid=""
stop_gateway() {
    if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then
        kill "$gateway_pid" 2>/dev/null || true
        wait "$gateway_pid" 2>/dev/null || true
    fi
    gateway_pid=""
}
trap stop_gateway EXIT

# Runs a step's command into its log; on failure prints the log's end and exits with the command's code.
run() {
    local name="$1"; shift
    local status=0
    "$@" >"$out/$name.txt" 2>&1 || status=$?
    if [ "$status" -ne 0 ] && [ "$name" != check ]; then
        tail -n 30 "$out/$name.txt"
        echo "certification rehearsal FAILED at $name (exit code $status; full output: $out/$name.txt)" >&2
        exit "$status"
    fi
    return "$status"
}

step "build ($configuration)"
for project in src/Gateway tools/Simulator tools/Verifier; do
    run build dotnet build "$project" -c "$configuration" -nologo -v quiet
done
echo "   src/Gateway, tools/Simulator, tools/Verifier built"
took

step "gateway (embedded: one process, a co-hosted silo, in-memory storage)"
port="$(free_port)"
api="http://127.0.0.1:$port"
# Free ports for the silo too, and a cluster id of its own: another embedded gateway on this machine is another system.
# Writers unauthenticated and no rate limits, as the embedded mode has them, whatever this shell's environment says;
# embedded on purpose even if this script runs in a container.
# From its build output, as an operator runs it (and so that the pid is the gateway's own, to stop it by).
(
    cd "src/Gateway/bin/$configuration/net10.0"
    exec env -u ConnectionStrings__Kpu \
        ASPNETCORE_URLS="$api" Management__Urls="http://127.0.0.1:$(free_port)" \
        Orleans__SiloPort="$(free_port)" Orleans__GatewayPort="$(free_port)" Orleans__ClusterId="rehearsal-$port" \
        Auth__Enabled=false RateLimits__Enabled=false Logging__LogLevel__Default=Warning Kpu__AllowEmbedded=true \
        dotnet KpuOrleans.Gateway.dll
) >"$out/gateway.log" 2>&1 &
gateway_pid=$!
until curl -fsS -o /dev/null "$api/api/v1/contests" 2>/dev/null; do
    if ! kill -0 "$gateway_pid" 2>/dev/null; then
        tail -n 30 "$out/gateway.log"
        echo "certification rehearsal FAILED: the gateway exited (log: $out/gateway.log)" >&2
        exit 2
    fi
    if [ $((SECONDS - step_started)) -gt 180 ]; then
        echo "certification rehearsal FAILED: the gateway did not answer within 180 s (log: $out/gateway.log)" >&2
        exit 2
    fi
    sleep 1
done
echo "   answering at $api (pid $gateway_pid)"
took

step "simulator: ${mode[*]} ${regions[*]}"
run night dotnet run --project tools/Simulator -c "$configuration" --no-build -- "${mode[@]}" "${regions[@]}" --target "$api" --plain
sed -n '/^KpuOrleans simulator:/,$p' "$out/night.txt" | sed 's/^/   /'
took

step "simulator: certify ${regions[*]}"
run certify dotnet run --project tools/Simulator -c "$configuration" --no-build -- certify "${regions[@]}" --target "$api"
sed 's/^/   /' "$out/certify.txt"
took

step "verifier: download"
run download dotnet run --project tools/Verifier -c "$configuration" --no-build -- download --api "$api" --out "$out/evidence"
awk -F'[:,]' '/forms in the export/ { n++; forms += $2; tallies += $3; inforce += $4; withdrawn += $5 }
    END { printf "   %d contests: %d forms, %d published tallies, %d certificates in force, %d withdrawn\n", n, forms, tallies, inforce, withdrawn }' \
    "$out/download.txt"
tail -n 1 "$out/download.txt" | sed 's/^/   /'
took

stop_gateway

step "verifier: check (offline, the gateway stopped)"
status=0
run check dotnet run --project tools/Verifier -c "$configuration" --no-build -- check "$out/evidence" || status=$?
if [ "$(wc -l <"$out/check.txt")" -gt 21 ]; then
    head -n 20 "$out/check.txt" | sed 's/^/   /'
    echo "   ... ($(($(wc -l <"$out/check.txt") - 21)) more lines in $out/check.txt)"
    tail -n 1 "$out/check.txt" | sed 's/^/   /'
else
    sed 's/^/   /' "$out/check.txt"
fi
took

echo
echo "certification rehearsal $([ "$status" -eq 0 ] && echo PASSED || echo FAILED) in $((SECONDS - started)) s (verifier exit code $status); everything is in $out"
exit "$status"
