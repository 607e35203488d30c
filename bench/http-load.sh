#!/usr/bin/env bash
# WaterTrek HTTP load benchmark on PostgreSQL (see docs/performance.md).
#
# Builds the release server, creates a fresh database, seeds 10,000 listings and 50,000
# bookings with SQL, runs pgbench as the yardstick, starts the server, registers load-test
# customers, then drives each scenario with wrk (32 connections, 2 threads, fixed duration)
# while sampling the server's RSS and the CPU split. Prints the results table and writes it to
# bench/results/latest.md (raw outputs in bench/results/raw/). Stops the server and drops the
# bench databases on exit. All traffic goes to 127.0.0.1; every loop is bounded.
#
# Settings (environment):
#   BENCH_DURATION=20      seconds per wrk scenario and per pgbench run
#   BENCH_WARMUP=3         seconds of warm-up before each GET scenario (not recorded)
#   BENCH_CONNECTIONS=32   wrk connections and pgbench clients
#   BENCH_POOL=10          the server's DB_POOL_SIZE (its default; see docs/performance.md)
#   BENCH_THREADS=2        wrk threads and pgbench -j
#   BENCH_CUSTOMERS=100    customers registered through the API for the booking scenarios
#   BENCH_CEILING_ROUNDS=3 rounds of the ceilings, each ceiling next to its yardstick
#   BENCH_CEILING_SECONDS=8  seconds per pgbench run in the ceilings
#   BENCH_SKIP_BUILD=1     use the existing binary (API_SERVER_BIN, default target/release/api-server)
#   BENCH_KEEP=1           keep the databases and the work folder (for a look afterwards)
#   BENCH_RESULTS=DIR      where latest.md and raw/ go (default bench/results)
#   BENCH_STRICT=1         exit 1 when a target is missed (default: report only)
#   BENCH_SERVER_ENV="K=V ..."  extra environment for the server (diagnostics); recorded in
#                          the results.
#   BENCH_ONLY="detail list ..."   run only these scenarios (detail availability list
#                                  list_window book_spread book_contended ceilings)
#   PGHOST / PGPORT / PGUSER       PostgreSQL (default 127.0.0.1 / 5432 / postgres, trust auth)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
POOL=${BENCH_POOL:-10}
THREADS=${BENCH_THREADS:-2}
CUSTOMERS=${BENCH_CUSTOMERS:-100}
CEILING_ROUNDS=${BENCH_CEILING_ROUNDS:-3}
CEILING_SECONDS=${BENCH_CEILING_SECONDS:-8}
ONLY=${BENCH_ONLY:-detail availability list list_window book_spread book_contended ceilings}
BIN=${API_SERVER_BIN:-$ROOT/target/release/api-server}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=watertrek_bench
PGB_DB=watertrek_bench_pgbench
DB_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
RESULTS=${BENCH_RESULTS:-$BENCH/results}
RAW="$RESULTS/raw"

log() { printf '\n== %s  %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

WORK=$(mktemp -d /tmp/watertrek-bench.XXXXXX)
SERVER_PID=""
SAMPLER_PID=""
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
    [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null && wait "$SAMPLER_PID" 2>/dev/null
    stop_server
    if [ "${BENCH_KEEP:-0}" = 1 ]; then
        echo "bench: kept databases $DB, $PGB_DB and $WORK" >&2
    else
        dropdb --if-exists --force "$DB" 2>/dev/null
        dropdb --if-exists --force "$PGB_DB" 2>/dev/null
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- 1. tools and PostgreSQL
log "checking tools"
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v psql >/dev/null || need_apt+=(postgresql-client)
command -v curl >/dev/null || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
    log "installing ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
PGBENCH=$(command -v pgbench || true)
if [ -z "$PGBENCH" ]; then
    PGBENCH=$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1 || true)
fi
[ -n "$PGBENCH" ] || die "pgbench not found (it ships with the postgresql-NN package)"
command -v python3 >/dev/null || die "python3 is required"

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
    log "starting PostgreSQL"
    version=$(ls /etc/postgresql | sort -V | tail -1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 60); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 0.5; done
    pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL does not answer on $PGHOST:$PGPORT"
fi

# ---------------------------------------------------------------- 2. build, database, migrations
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "building the release server (cargo build --release -p api-server)"
    (cd "$ROOT" && cargo build --release -p api-server)
fi
[ -x "$BIN" ] || die "no server binary at $BIN"

log "creating database $DB"
dropdb --if-exists --force "$DB"
createdb "$DB"
(cd "$WORK" && DATABASE_URL="$DB_URL" RUST_LOG=warn "$BIN" migrate) >"$WORK/migrate.log" 2>&1 \
    || { cat "$WORK/migrate.log" >&2; die "migrations failed"; }

# ---------------------------------------------------------------- 3. seed
log "seeding 10,000 listings and 50,000 bookings"
seed_start=$(date +%s.%N)
psql -q -X -v ON_ERROR_STOP=1 -d "$DB" -f "$BENCH/seed.sql" >"$WORK/seed.out"
seed_seconds=$(python3 -c "import sys; print(round($(date +%s.%N) - $seed_start, 1))")
cat "$WORK/seed.out" >&2
DATASET=$(psql -X -At -d "$DB" -c "SELECT (SELECT count(*) FROM listings) || ' listings (' ||
    (SELECT count(*) FROM equipment_terms) || ' equipment, ' || (SELECT count(*) FROM adventure_terms) ||
    ' adventures), ' || (SELECT count(*) FROM bookings) || ' bookings, ' || (SELECT count(*) FROM sessions) ||
    ' sessions, seeded in ${seed_seconds} s'")

# ---------------------------------------------------------------- 4. pgbench yardsticks
rm -rf "$RAW"
mkdir -p "$RAW"
log "pgbench yardsticks on $PGB_DB"
dropdb --if-exists --force "$PGB_DB"
createdb "$PGB_DB"
"$PGBENCH" -i -q -s 10 "$PGB_DB" >"$RAW/pgbench_init.txt" 2>&1 \
    || { cat "$RAW/pgbench_init.txt" >&2; die "pgbench -i failed"; }
psql -q -X -v ON_ERROR_STOP=1 -d "$PGB_DB" -c "CREATE TABLE bench_rows (id bigserial PRIMARY KEY,
    k bigint NOT NULL, payload text NOT NULL, created_at timestamp NOT NULL);
    CREATE INDEX bench_rows_k_idx ON bench_rows (k);"
PGB_SELECT="pgbench -S -c $CONNECTIONS -j $THREADS -T $DURATION, scale 10"
PGB_INSERT="pgbench -n -f bench/pgbench-insert-select.sql -c $CONNECTIONS -j $THREADS -T $DURATION"
# CPU sampling (bench/sampler.py) while a scenario or a pgbench run goes on.
sample_start() { # name: the server, PostgreSQL, wrk, other and steal
    python3 "$BENCH/sampler.py" "$SERVER_PID" "$RAW/$1.sampler.json" 0.5 &
    SAMPLER_PID=$!
}
sample_machine() { # name: the machine alone (steal included) while pgbench runs
    python3 "$BENCH/sampler.py" 0 "$RAW/$1.sampler.json" 0.5 &
    SAMPLER_PID=$!
}
sample_stop() {
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""
}
sample_machine pgbench_select
"$PGBENCH" -S -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" "$PGB_DB" >"$RAW/pgbench_select.txt" 2>&1 \
    || { cat "$RAW/pgbench_select.txt" >&2; die "pgbench -S failed"; }
sample_stop
grep -E "^tps|latency average" "$RAW/pgbench_select.txt" >&2
sample_machine pgbench_insert_select
"$PGBENCH" -n -f "$BENCH/pgbench-insert-select.sql" -c "$CONNECTIONS" -j "$THREADS" -T "$DURATION" \
    "$PGB_DB" >"$RAW/pgbench_insert_select.txt" 2>&1 \
    || { cat "$RAW/pgbench_insert_select.txt" >&2; die "pgbench INSERT+SELECT failed"; }
sample_stop
grep -E "^tps|latency average" "$RAW/pgbench_insert_select.txt" >&2
# $PGB_DB stays for the ceilings' paired yardsticks (7b); the exit trap drops it.

# ---------------------------------------------------------------- 5. server
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
mkdir -p "$WORK/media"
log "starting the server on $BASE"
(
    cd "$WORK"
    exec env DATABASE_URL="$DB_URL" BIND_ADDR="127.0.0.1:$PORT" APP_ENV=production \
        JWT_SECRET="bench-only-secret-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        STRIPE_WEBHOOK_SECRET="whsec_bench_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        DB_POOL_SIZE="$POOL" LOG_FORMAT=json RUST_LOG=warn AUTO_MIGRATE=false \
        AUTH_RATE_LIMIT=100000 BOOKING_RATE_LIMIT=100000 MAX_ACTIVE_HOLDS_PER_CUSTOMER=1000 \
        ACCESS_TOKEN_TTL_SECONDS=7200 MEDIA_ROOT="$WORK/media" \
        ${BENCH_SERVER_ENV:-} "$BIN" serve
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
    curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server exited"; }
    sleep 0.5
done
curl -fs "$BASE/health/ready" >/dev/null || { cat "$WORK/server.log" >&2; die "the server is not ready"; }

# ---------------------------------------------------------------- 6. tokens and request mixes
log "registering $CUSTOMERS customers through the API"
python3 "$BENCH/tokens.py" "$BASE" "$CUSTOMERS" >"$WORK/tokens.txt"
# The server's memory once the customers have registered (argon2id: 19 MiB per hash).
RSS_AFTER_LOGINS=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
log "server RSS after $CUSTOMERS registrations: $((RSS_AFTER_LOGINS / 1024)) MiB"

q() { psql -X -At -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }
# Public equipment items (active listing of an active vendor).
q "SELECT l.id FROM listings l JOIN users u ON u.id = l.vendor_id
   WHERE l.kind = 'equipment' AND l.is_active AND u.is_active ORDER BY l.id" >"$WORK/equipment_ids.txt"
CONTENDED_ID=$(q "SELECT l.id FROM listings l JOIN equipment_terms e ON e.listing_id = l.id
   WHERE l.is_active AND e.quantity = 1 ORDER BY l.id LIMIT 1")
python3 - "$WORK" <<'PY'
import datetime as dt, random, sys, urllib.parse
work = sys.argv[1]
rnd = random.Random(7)
ids = [l.strip() for l in open(f"{work}/equipment_ids.txt") if l.strip()]
midnight = dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
tomorrow = midnight + dt.timedelta(days=1)
iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
week = f"from={iso(tomorrow)}&to={iso(tomorrow + dt.timedelta(days=7))}"
with open(f"{work}/paths_detail.txt", "w") as f:
    f.writelines(f"/api/v1/equipment/{i}\n" for i in ids)
with open(f"{work}/paths_availability.txt", "w") as f:
    f.writelines(f"/api/v1/equipment/{i}/availability?{week}\n" for i in ids)
# Filtered lists: a category, a city and a price cap near that category's median.
# (Prices are minor units of the item's currency; the seed scales ZAR by 15 and THB by 30.)
caps = {"boat": 25000, "car": 10000, "bike": 2000, "motorcycle": 8000}
cities = {"lagos": 1, "lisbon": 1, "miami": 1, "san diego": 1, "queenstown": 1,
          "cape town": 15, "split": 1, "barcelona": 1, "nice": 1, "phuket": 30,
          "vancouver": 1, "sydney": 1}
lists = [f"category={c}&location={urllib.parse.quote(city)}&max_price={cap * scale}"
         for c, cap in caps.items() for city, scale in cities.items()]
with open(f"{work}/paths_list.txt", "w") as f:
    f.writelines(f"/api/v1/equipment?{q}\n" for q in lists)
# The same mix for the list ceilings (bench_lists): category, LIKE pattern, price cap.
with open(f"{work}/lists.tsv", "w") as f:
    f.writelines(f"{n}\t{c}\t%{city}%\t{cap * scale}\n" for n, (c, cap, city, scale) in
                 enumerate(((c, cap, city, scale) for c, cap in caps.items()
                            for city, scale in cities.items()), start=1))
with open(f"{work}/paths_list_window.txt", "w") as f:
    for _ in range(2000):
        start = tomorrow + dt.timedelta(days=rnd.randrange(0, 89), hours=rnd.randrange(8, 16))
        end = start + dt.timedelta(hours=rnd.randrange(2, 5))
        f.write(f"/api/v1/equipment?{rnd.choice(lists)}&available_from={iso(start)}"
                f"&available_to={iso(end)}&quantity=1\n")
# The contended slot: 10:00-12:00 UTC on the first weekday at least 100 days ahead (after
# every seeded booking, within max_advance_days).
day = midnight + dt.timedelta(days=100)
while day.weekday() >= 5:
    day += dt.timedelta(days=1)
with open(f"{work}/contended_window.txt", "w") as f:
    f.write(f"{iso(day + dt.timedelta(hours=10))} {iso(day + dt.timedelta(hours=12))}\n")
print(int(tomorrow.timestamp()), file=open(f"{work}/base_epoch.txt", "w"))
PY
read -r CONTENDED_START CONTENDED_END <"$WORK/contended_window.txt"
BASE_EPOCH=$(cat "$WORK/base_epoch.txt")

# One probe of each GET scenario, so a broken endpoint shows up before the load (the booking
# scenarios are not probed: a probe would take the contended slot).
log "probing each GET scenario once"
for name in detail availability list list_window; do
    path=$(head -1 "$WORK/paths_$name.txt")
    code=$(curl -s -o "$WORK/probe.json" -w '%{http_code}' "$BASE$path")
    printf '%-14s %s %s\n' "$name" "$code" "$(head -c 300 "$WORK/probe.json")" >&2
    echo "$code $(head -c 2000 "$WORK/probe.json")" >"$RAW/$name.probe.txt"
done

# ---------------------------------------------------------------- 7. load
run_wrk() { # name, lua script, args after --
    local name=$1 script=$2
    shift 2
    curl -s "$BASE/metrics" >"$RAW/$name.metrics_before.txt"
    sample_start "$name"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
        -s "$BENCH/lua/$script" "$BASE" -- "$@" >"$RAW/$name.wrk.txt" 2>&1 || true
    sample_stop
    curl -s "$BASE/metrics" >"$RAW/$name.metrics_after.txt"
    grep -E "Requests/sec|^ +99%|Non-2xx|Socket errors" "$RAW/$name.wrk.txt" >&2 || cat "$RAW/$name.wrk.txt" >&2
}
warm() {
    [ "$WARMUP" -gt 0 ] || return 0
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$BENCH/lua/get.lua" "$BASE" -- "$1" >/dev/null 2>&1 || true
}
wants() { [[ " $ONLY " == *" $1 "* ]]; }

for name in detail availability list list_window; do
    wants "$name" || continue
    log "scenario $name: ${DURATION}s"
    warm "$WORK/paths_$name.txt"
    run_wrk "$name" get.lua "$WORK/paths_$name.txt"
done
if wants book_spread; then
    log "scenario book_spread: ${DURATION}s"
    run_wrk book_spread booking_spread.lua "$WORK/equipment_ids.txt" "$WORK/tokens.txt" "$BASE_EPOCH" 89
fi
if wants book_contended; then
    log "scenario book_contended: ${DURATION}s on $CONTENDED_ID $CONTENDED_START..$CONTENDED_END"
    run_wrk book_contended booking_contended.lua "$WORK/tokens.txt" "$CONTENDED_ID" "$CONTENDED_START" "$CONTENDED_END"
fi
cp "$WORK/server.log" "$RAW/server.log"

# ---------------------------------------------------------------- 7b. ceilings
# What PostgreSQL alone does with the product's own statements (bench/ceiling-*.sql, copied
# from the PostgreSQL log), driven by pgbench like the yardsticks: no server, no HTTP. Run
# last, with the server stopped, because the booking ceiling inserts bookings.
if wants ceilings; then
    stop_server
    log "ceilings: the server's statements on PostgreSQL alone (pgbench), $CEILING_ROUNDS rounds of ${CEILING_SECONDS}s runs"
    psql -q -X -v ON_ERROR_STOP=1 -d "$DB" <<SQL
DROP TABLE IF EXISTS bench_ids, bench_customers, bench_lists;
CREATE TABLE bench_ids (n int PRIMARY KEY, id text NOT NULL, vendor_id text NOT NULL);
INSERT INTO bench_ids SELECT row_number() OVER (ORDER BY l.id), l.id, l.vendor_id FROM listings l
    JOIN equipment_terms e ON e.listing_id = l.id WHERE l.is_active AND l.vendor_active;
CREATE TABLE bench_customers (n int PRIMARY KEY, id text NOT NULL);
INSERT INTO bench_customers SELECT row_number() OVER (ORDER BY id), id FROM users
    WHERE email LIKE 'load%@bench.watertrek.test';
CREATE TABLE bench_lists (n int PRIMARY KEY, category text NOT NULL, location_pattern text NOT NULL,
    cap bigint NOT NULL);
\copy bench_lists FROM '$WORK/lists.tsv'
ANALYZE bench_ids; ANALYZE bench_customers; ANALYZE bench_lists;
SQL
    defines=(-D "ids=$(q 'SELECT count(*) FROM bench_ids')" -D "customers=$(q 'SELECT count(*) FROM bench_customers')"
             -D "lists=$(q 'SELECT count(*) FROM bench_lists')")
    # The booking's INSERT alone: the draw and the INSERT of ceiling-booking.sql, in their own
    # (autocommit) transaction, without BEGIN, the lock, the read and COMMIT.
    sed -n '/^\\set /p; /^SELECT i.id AS lid/p; /^WITH b AS (INSERT/p' "$BENCH/ceiling-booking.sql" \
        >"$WORK/ceiling-booking-insert.sql"
    [ "$(wc -l <"$WORK/ceiling-booking-insert.sql")" -eq 8 ] \
        || die "bench/ceiling-booking.sql changed shape: the INSERT-alone ceiling cannot be cut from it"
    # Each ceiling runs right after its yardstick, in $CEILING_ROUNDS short rounds: on a shared
    # virtual machine the CPU the hypervisor leaves this guest changes from minute to minute,
    # so a ceiling is only set against a yardstick measured next to it.
    for round in $(seq 1 "$CEILING_ROUNDS"); do
        for name in select list-filter list-page insert booking booking-insert; do
            case $name in
                select) run=(-S "$PGB_DB") ;;
                insert) run=(-n -f "$BENCH/pgbench-insert-select.sql" "$PGB_DB") ;;
                booking-insert) run=(-n -M prepared "${defines[@]}" -f "$WORK/ceiling-booking-insert.sql" "$DB") ;;
                *) run=(-n -M prepared "${defines[@]}" -f "$BENCH/ceiling-$name.sql" "$DB") ;;
            esac
            out="$RAW/ceiling_${round}_$name.txt"
            sample_machine "ceiling_${round}_$name"
            "$PGBENCH" -c "$CONNECTIONS" -j "$THREADS" -T "$CEILING_SECONDS" "${run[@]}" >"$out" 2>&1 \
                || { cat "$out" >&2; die "pgbench $name (ceilings, round $round) failed"; }
            sample_stop
            printf 'round %s %-15s %s\n' "$round" "$name" "$(grep -E '^tps' "$out")" >&2
        done
    done
fi

# ---------------------------------------------------------------- 8. report
mem_total=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
cpu_model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
python3 - "$RAW/meta.json" <<PY
import json, sys
json.dump({
    "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
    "nproc": $(nproc),
    "mem_total": "$mem_total",
    "cpu_model": """$cpu_model""".strip(),
    "pg_version": """$(psql -X -At -d postgres -c 'SHOW server_version' | cut -d' ' -f1 | sed 's/^/PostgreSQL /')""",
    "wrk_version": """$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)""",
    "commit": "$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)",
    "dirty": $( (cd "$ROOT" && git diff --quiet HEAD -- crates migrations 2>/dev/null) && echo False || echo True),
    "duration": $DURATION, "connections": $CONNECTIONS, "threads": $THREADS, "pool": $POOL,
    "dataset": """$DATASET""",
    "customers": $CUSTOMERS,
    "ceiling_rounds": $CEILING_ROUNDS, "ceiling_seconds": $CEILING_SECONDS,
    "rss_after_logins_kib": $RSS_AFTER_LOGINS,
    "server_env": """${BENCH_SERVER_ENV:-}""",
    "pgbench_select": "$PGB_SELECT",
    "pgbench_insert": "$PGB_INSERT",
}, open(sys.argv[1], "w"), indent=1)
PY
strict=()
[ "${BENCH_STRICT:-0}" = 1 ] && strict=(--strict)
log "results"
python3 "$BENCH/report.py" "$RAW" "$RESULTS/latest.md" "${strict[@]}"
echo "bench: table written to $RESULTS/latest.md, raw outputs in $RAW/" >&2
