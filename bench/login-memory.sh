#!/usr/bin/env bash
# The server's memory under a login flood (see docs/performance.md, "Memory under logins").
#
# Builds the release server, then for each backend starts it with a clean environment (no
# MALLOC_* or other allocator variable: `env -i`), registers one account, fires BENCH_LOGINS
# logins from BENCH_CLIENTS concurrent clients (bench/login_load.py), and reads the server's
# RSS: at start, after the registration, its peak (VmHWM) over the load, at the end of the
# load and after BENCH_IDLE seconds idle. Prints a table and writes it to
# bench/results/login-memory.md. All traffic goes to 127.0.0.1; every loop is bounded.
#
# Settings (environment):
#   BENCH_LOGINS=1000         logins in all
#   BENCH_CLIENTS=64          concurrent clients
#   BENCH_IDLE=5              seconds idle before the last reading
#   BENCH_BACKENDS="sqlite postgres"
#   BENCH_LABEL="..."         what is measured (a row label; default: the commit)
#   BENCH_SERVER_ENV="K=V ..."  extra environment for the server (e.g.
#                             PASSWORD_HASHING_CONCURRENCY=64), recorded in the label
#   BENCH_SKIP_BUILD=1        use the existing binary (API_SERVER_BIN, default target/release/api-server)
#   BENCH_RESULTS=DIR         where login-memory.md goes (default bench/results)
#   BENCH_STRICT=1            exit 1 when an RSS reading is 100 MiB or more
#   PGHOST / PGPORT / PGUSER  PostgreSQL (default 127.0.0.1 / 5432 / postgres, trust auth)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
LOGINS=${BENCH_LOGINS:-1000}
CLIENTS=${BENCH_CLIENTS:-64}
IDLE=${BENCH_IDLE:-5}
BACKENDS=${BENCH_BACKENDS:-sqlite postgres}
BIN=${API_SERVER_BIN:-$ROOT/target/release/api-server}
RESULTS=${BENCH_RESULTS:-$BENCH/results}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=watertrek_login_bench
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
LABEL=${BENCH_LABEL:-$COMMIT}${BENCH_SERVER_ENV:+ ($BENCH_SERVER_ENV)}
EMAIL=login-bench@bench.watertrek.test
PASSWORD=bench-password-2026
LIMIT_KIB=$((100 * 1024))

log() { printf '\n== %s  %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/watertrek-login-bench.XXXXXX)
SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
cleanup() {
    local rc=$?
    set +e
    stop_server
    if [[ " $BACKENDS " == *" postgres "* ]]; then
        dropdb --if-exists --force "$DB" 2>/dev/null
    fi
    rm -rf "$WORK"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v python3 >/dev/null || die "python3 is required"
command -v curl >/dev/null || die "curl is required"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "building the release server (cargo build --release -p api-server)"
    (cd "$ROOT" && cargo build --release -p api-server)
fi
[ -x "$BIN" ] || die "no server binary at $BIN"

kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
# CPU time (user + system) the process has used, in clock ticks.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

ROWS=()
OVER=0
for backend in $BACKENDS; do
    case $backend in
        sqlite) url="$WORK/login-bench.db" ;;
        postgres)
            pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL does not answer on $PGHOST:$PGPORT"
            dropdb --if-exists --force "$DB"
            createdb "$DB"
            url="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" ;;
        *) die "unknown backend $backend" ;;
    esac
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    base="http://127.0.0.1:$port"
    log "$backend: starting the server on $base with a clean environment"
    mkdir -p "$WORK/media"
    # shellcheck disable=SC2086 # BENCH_SERVER_ENV is a list of K=V words
    (
        cd "$WORK"
        exec env -i PATH="$PATH" HOME="$WORK" DATABASE_URL="$url" BIND_ADDR="127.0.0.1:$port" \
            JWT_SECRET="bench-only-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
            LOG_FORMAT=json RUST_LOG=warn AUTH_RATE_LIMIT=100000 MEDIA_ROOT="$WORK/media" \
            ${BENCH_SERVER_ENV:-} "$BIN" serve
    ) >"$WORK/server-$backend.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 120); do
        curl -fs "$base/health/ready" >/dev/null 2>&1 && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server-$backend.log" >&2; die "the server exited"; }
        sleep 0.5
    done
    curl -fs "$base/health/ready" >/dev/null || { cat "$WORK/server-$backend.log" >&2; die "the server is not ready"; }
    if tr '\0' '\n' <"/proc/$SERVER_PID/environ" | grep -q '^MALLOC_'; then
        die "the server has a MALLOC_ variable in its environment"
    fi
    rss_start=$(kib "$SERVER_PID" VmRSS)

    status=$(curl -s -o "$WORK/register.json" -w '%{http_code}' -H 'Content-Type: application/json' \
        -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"role\":\"customer\"}" \
        "$base/api/v1/auth/register")
    [ "$status" = 201 ] || { cat "$WORK/register.json" >&2; die "registration answered $status"; }
    rss_registered=$(kib "$SERVER_PID" VmRSS)

    log "$backend: $LOGINS logins from $CLIENTS clients"
    cpu_before=$(cpu_ticks "$SERVER_PID")
    python3 "$BENCH/login_load.py" "$base" "$EMAIL" "$PASSWORD" "$LOGINS" "$CLIENTS" >"$WORK/load-$backend.json"
    rss_end=$(kib "$SERVER_PID" VmRSS)
    cpu_ms=$(awk -v t="$(( $(cpu_ticks "$SERVER_PID") - cpu_before ))" -v hz="$(getconf CLK_TCK)" \
        -v n="$LOGINS" 'BEGIN {printf "%.1f", t * 1000 / hz / n}')
    rss_peak=$(kib "$SERVER_PID" VmHWM)
    sleep "$IDLE"
    rss_idle=$(kib "$SERVER_PID" VmRSS)
    stop_server
    cat "$WORK/load-$backend.json" >&2

    load=$(python3 - "$WORK/load-$backend.json" <<'PY'
import json
import sys

r = json.load(open(sys.argv[1]))
others = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()) if k != "200")
ok = str(r["ok"]) + (f" ({others})" if others else "")
print(f"{r['per_second']} | {r['p50_ms']} / {r['p99_ms']} | {ok}")
PY
)
    ROWS+=("| $backend | $LABEL | $(mib "$rss_start") | $(mib "$rss_registered") | **$(mib "$rss_peak")** | $(mib "$rss_end") | **$(mib "$rss_idle")** | $cpu_ms | $load |")
    for reading in "$rss_peak" "$rss_idle"; do
        [ "$reading" -lt "$LIMIT_KIB" ] || OVER=1
    done
done

mkdir -p "$RESULTS"
{
    echo "# Memory under logins ($(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT)"
    echo
    echo "$LOGINS logins of one account from $CLIENTS concurrent clients; server started with no"
    echo "allocator variable (env -i); $(nproc) cores, load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "RSS in MiB; peak is VmHWM (the largest RSS since start); idle is $IDLE s after the load."
    echo "CPU is the server's (user + system) per login: unlike logins/s, other load on the machine"
    echo "hardly moves it."
    echo
    echo "| backend | build | start | after 1 registration | peak | end of load | idle | CPU ms/login | logins/s | p50 / p99 ms | 200s (others) |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${ROWS[@]}"
} | tee "$RESULTS/login-memory.md"

if [ "$OVER" = 1 ]; then
    echo "bench: an RSS reading is at or over 100 MiB" >&2
    [ "${BENCH_STRICT:-0}" = 1 ] && exit 1
fi
exit 0
