#!/usr/bin/env bash
# `make api-fuzz`: schemathesis against the served OpenAPI document, once per role.
#
# Starts the server (API_FUZZ_BIN, default the release build) on a fresh temporary SQLite
# database with the demo data, logs in as the demo accounts, and runs schemathesis with every
# check as anonymous, customer, vendor and admin. Exits non-zero on any failure.
# Configuration and the documented exceptions: fuzz/schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
BIN=${API_FUZZ_BIN:-target/release/api-server}
VENV=${API_FUZZ_VENV:-target/api-fuzz-venv}
# Test cases per operation and phase; the whole run stays within a few minutes on 2 cores.
MAX_EXAMPLES=${API_FUZZ_MAX_EXAMPLES:-25}
ROLES=${API_FUZZ_ROLES:-anonymous customer vendor admin}

if [ ! -x "$BIN" ]; then
    echo "api-fuzz: $BIN is missing; build it first (cargo build --release -p api-server)" >&2
    exit 2
fi

if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
    echo "api-fuzz: installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

work=$(mktemp -d -t watertrek-api-fuzz.XXXXXX)
server_pid=
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

# A throw-away database and media folder; limits that would otherwise stop the fuzzer
# (per-address login limit, failed logins per account, booking rate, open holds).
export APP_ENV=development
export DATABASE_URL="$work/watertrek.db"
export MEDIA_ROOT="$work/media"
export BIND_ADDR="127.0.0.1:$port"
export JWT_SECRET="api-fuzz-secret-api-fuzz-secret-api-fuzz"
export ACCESS_TOKEN_TTL_SECONDS=7200
export AUTH_RATE_LIMIT=100000
export LOGIN_MAX_FAILURES=1000
export BOOKING_RATE_LIMIT=100000
export MAX_ACTIVE_HOLDS_PER_CUSTOMER=1000
export PAYMENT_PROVIDER=dev
export LOG_FORMAT=json
export RUST_LOG=${RUST_LOG:-warn}

"$BIN" seed-demo > "$work/seed.log" 2>&1 || { cat "$work/seed.log" >&2; exit 1; }
"$BIN" serve > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fsS "$base/health/ready" > /dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
curl -fsS "$base/health/ready" > /dev/null

login() {
    curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"email\": \"$1\", \"password\": \"$2\"}" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

failed=()
started=$SECONDS
for role in $ROLES; do
    case $role in
        anonymous) auth=() ;;
        customer) auth=(-H "Authorization: Bearer $(login ana.customer@example.com demo-password-2026)") ;;
        vendor) auth=(-H "Authorization: Bearer $(login lagos-boats@example.com demo-password-2026)") ;;
        admin) auth=(-H "Authorization: Bearer $(login admin@example.com 'Demo-Root-2026!')") ;;
        *) echo "api-fuzz: unknown role $role" >&2; exit 2 ;;
    esac
    echo "=== api-fuzz: $role ==="
    role_started=$SECONDS
    if "$VENV/bin/schemathesis" --config-file fuzz/schemathesis.toml run \
        "$base/api-docs/openapi.json" --url "$base" \
        --max-examples "$MAX_EXAMPLES" --seed 20261101 \
        --report junit --report-dir "$work/report-$role" \
        "${auth[@]}" "$@"; then
        echo "=== api-fuzz: $role passed in $((SECONDS - role_started)) s ==="
    else
        echo "=== api-fuzz: $role FAILED in $((SECONDS - role_started)) s ==="
        failed+=("$role")
    fi
done

if grep -q '"level":"ERROR".*"target":"api_server' "$work/server.log"; then
    echo "api-fuzz: the server logged errors:" >&2
    grep '"level":"ERROR".*"target":"api_server' "$work/server.log" | head -20 >&2
    failed+=("server-log")
fi

echo "api-fuzz: ${#failed[@]} failed (${failed[*]:-none}) in $((SECONDS - started)) s"
[ "${#failed[@]}" -eq 0 ]
