#!/usr/bin/env python3
"""Turns the raw outputs of bench/http-load.sh into the results table.

Usage: report.py RAW_DIR OUT_MD [--strict]
Reads RAW_DIR/meta.json, the pgbench outputs and, per scenario, the wrk output, the server's
/metrics before and after, and the sampler's JSON. Prints the table, writes OUT_MD (and
RAW_DIR/results.json). With --strict, exits 1 when any target is missed or a scenario errs.
"""
import json
import os
import re
import statistics
import sys

P99_TARGET_MS = 50.0
RSS_TARGET_MIB = 100.0

# name, label, method, route pattern (as /metrics names it), yardstick, target ratio, ok statuses
SCENARIOS = [
    ("detail", "item detail", "GET", "/api/v1/equipment/{id}", "select", 0.25, {"200"}),
    ("availability", "item 7-day availability", "GET", "/api/v1/equipment/{id}/availability",
     "select", 0.25, {"200"}),
    ("list", "filtered catalog list", "GET", "/api/v1/equipment", "select", 0.12, {"200"}),
    ("list_window", "filtered list + availability window", "GET", "/api/v1/equipment", "select",
     0.12, {"200"}),
    ("book_spread", "booking creation, spread", "POST", "/api/v1/bookings", "insert", 0.50,
     {"201", "409"}),
    ("book_contended", "booking creation, one contended slot", "POST", "/api/v1/bookings",
     "insert", 0.50, {"201", "409"}),
]

# name, what pgbench ran (bench/ceiling-NAME.sql), yardstick, the target of the scenarios it
# bounds, the HTTP scenario to set against it
CEILINGS = [
    ("list-filter", "the filter, page ids and total of the list statement", "select", 0.12, "list"),
    ("list-page", "the whole list statement (filter, total, 20 listings with images)", "select",
     0.12, "list"),
    ("booking", "the booking transaction (BEGIN, lock, hold count + occupancy, INSERT, COMMIT)",
     "insert", 0.50, "book_spread"),
    ("booking-insert", "its INSERT alone (the booking and its event, one statement, autocommit)",
     "insert", 0.50, None),
]

YARDSTICK_LABEL = {
    "select": "pgbench -S",
    "insert": "pgbench INSERT+SELECT",
}


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def to_ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(text):
    if not text:
        return None
    out = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(m.group(1)) if m else 0.0
    for pct in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        out[f"p{pct}_ms"] = to_ms(*m.groups()) if m else None
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", text)
    out["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non_2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    out["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"),
                                    map(int, m.groups()))) if m else {}
    return out


def parse_pgbench(text):
    if not text:
        return None
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text) or \
        re.search(r"tps = ([\d.]+)", text)
    lat = re.search(r"latency average = ([\d.]+) ms", text)
    return {"tps": float(m.group(1)) if m else 0.0,
            "latency_avg_ms": float(lat.group(1)) if lat else None}


LINE = re.compile(r'^watertrek_http_requests_total\{(.*)\}\s+(\S+)$')


def parse_metrics(text):
    counts = {}
    for line in (text or "").splitlines():
        m = LINE.match(line.strip())
        if not m:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        key = (labels.get("method"), labels.get("endpoint"), labels.get("status"))
        counts[key] = counts.get(key, 0) + float(m.group(2))
    return counts


def status_diff(before, after, method, endpoint):
    diff = {}
    for (m, e, s), n in after.items():
        if m == method and e == endpoint:
            d = int(n - before.get((m, e, s), 0))
            if d:
                diff[s] = d
    return dict(sorted(diff.items()))


def steal_of(raw, name):
    """Hypervisor steal while `name` ran, in % of one core (None when it was not sampled)."""
    sampler = json.loads(read(os.path.join(raw, f"{name}.sampler.json")) or "{}")
    return sampler.get("cpu_pct_of_one_core", {}).get("steal")


def steal_note(raw, name):
    steal = steal_of(raw, name)
    return "" if steal is None else f", hypervisor steal {steal:.0f} % of one core"


def fmt_ms(v):
    return "n/a" if v is None else (f"{v:.1f} ms" if v >= 10 else f"{v:.2f} ms")


def main():
    raw, out_md = sys.argv[1], sys.argv[2]
    strict = "--strict" in sys.argv[3:]
    meta = json.loads(read(os.path.join(raw, "meta.json")) or "{}")
    yard = {
        "select": parse_pgbench(read(os.path.join(raw, "pgbench_select.txt"))),
        "insert": parse_pgbench(read(os.path.join(raw, "pgbench_insert_select.txt"))),
    }
    rows, failures, cpu_rows = [], [], []
    max_rss = 0
    for name, label, method, endpoint, ykey, target, ok_statuses in SCENARIOS:
        wrk = parse_wrk(read(os.path.join(raw, f"{name}.wrk.txt")))
        if wrk is None:
            continue
        before = parse_metrics(read(os.path.join(raw, f"{name}.metrics_before.txt")))
        after = parse_metrics(read(os.path.join(raw, f"{name}.metrics_after.txt")))
        statuses = status_diff(before, after, method, endpoint)
        sampler = json.loads(read(os.path.join(raw, f"{name}.sampler.json")) or "{}")
        max_rss = max(max_rss, sampler.get("max_rss_kib") or 0)
        ytps = (yard.get(ykey) or {}).get("tps") or 0.0
        ratio = wrk["rps"] / ytps if ytps else 0.0
        answered = sum(statuses.values())
        unexpected = {s: n for s, n in statuses.items() if s not in ok_statuses}
        socket_errs = sum(wrk["socket_errors"].values())
        problems = []
        if unexpected:
            problems.append("unexpected statuses " + ", ".join(f"{s}×{n}" for s, n in unexpected.items()))
        if socket_errs:
            problems.append(f"socket errors {wrk['socket_errors']}")
        if answered == 0:
            problems.append("no request reached the route (see /metrics)")
        errored = bool(unexpected and sum(unexpected.values()) > 0.01 * max(answered, 1)) \
            or answered == 0 or wrk["socket_errors"].get("timeout", 0) > 0
        tput_ok = ratio >= target
        p99_ok = wrk["p99_ms"] is not None and wrk["p99_ms"] < P99_TARGET_MS
        verdict = "ERROR" if errored else ("pass" if tput_ok and p99_ok else "FAIL")
        why = []
        if not tput_ok:
            why.append(f"throughput {ratio:.1%} < {target:.0%}")
        if not p99_ok:
            why.append(f"p99 {fmt_ms(wrk['p99_ms'])} ≥ {P99_TARGET_MS:.0f} ms")
        if verdict != "pass":
            failures.append(f"{label}: " + "; ".join(why + problems))
        row = {
            "scenario": name, "label": label, "method": method, "endpoint": endpoint,
            "rps": wrk["rps"], "p50_ms": wrk["p50_ms"], "p90_ms": wrk["p90_ms"],
            "p99_ms": wrk["p99_ms"], "requests": wrk["requests"], "statuses": statuses,
            "socket_errors": wrk["socket_errors"], "yardstick": YARDSTICK_LABEL[ykey],
            "yardstick_tps": ytps, "ratio": ratio, "target_ratio": target,
            "verdict": verdict, "problems": problems, "sampler": sampler,
        }
        if statuses.get("201") is not None and wrk["requests"]:
            row["created_per_s"] = statuses.get("201", 0) * wrk["rps"] / max(answered, 1)
        rows.append(row)
        cpu = sampler.get("cpu_pct_of_one_core", {})
        cpu_rows.append((label, cpu, sampler.get("max_rss_kib"), sampler.get("loadavg")))

    rss_mib = max_rss / 1024
    rss_ok = 0 < rss_mib < RSS_TARGET_MIB
    if not rss_ok:
        failures.append(f"server RSS {rss_mib:.1f} MiB ≥ {RSS_TARGET_MIB:.0f} MiB")

    lines = []
    lines.append(f"# WaterTrek HTTP load benchmark: {meta.get('date', '?')}")
    lines.append("")
    lines.append(f"Machine: {meta.get('nproc', '?')} cores, {meta.get('mem_total', '?')} memory, "
                 f"{meta.get('cpu_model', '?')}; {meta.get('pg_version', '?')}; {meta.get('wrk_version', '?')}. "
                 f"Commit {meta.get('commit', '?')}{' (work tree modified)' if meta.get('dirty') else ''}.")
    lines.append(f"Load: wrk -t{meta.get('threads')} -c{meta.get('connections')} -d{meta.get('duration')}s "
                 f"--latency per scenario; server DB_POOL_SIZE={meta.get('pool')}; data set "
                 f"{meta.get('dataset', '?')}.")
    if meta.get("server_env"):
        lines.append(f"Extra server environment (diagnostic run): `{meta['server_env']}`.")
    if meta.get("rss_after_logins_kib"):
        lines.append(f"Server RSS after registering {meta.get('customers')} load-test customers, "
                     f"before the load: {meta['rss_after_logins_kib'] / 1024:.1f} MiB.")
    lines.append("")
    for key, raw_name in (("select", "pgbench_select"), ("insert", "pgbench_insert_select")):
        y = yard.get(key) or {}
        lines.append(f"- Yardstick {YARDSTICK_LABEL[key]} ({meta.get('pgbench_' + key, '')}): "
                     f"**{y.get('tps', 0):.0f} TPS**, average latency {fmt_ms(y.get('latency_avg_ms'))}"
                     f"{steal_note(raw, raw_name)}")
    lines.append("")
    lines.append("| scenario | req/s | p50 | p99 | responses | yardstick (TPS) | ratio | target | result |")
    lines.append("| --- | ---: | ---: | ---: | --- | --- | ---: | --- | --- |")
    for r in rows:
        statuses = ", ".join(f"{s}×{n}" for s, n in r["statuses"].items()) or "none"
        if "created_per_s" in r:
            statuses += f" ({r['created_per_s']:.0f} created/s)"
        lines.append(
            f"| {r['label']} (`{r['method']} {r['endpoint']}`) | {r['rps']:.0f} | {fmt_ms(r['p50_ms'])} | "
            f"{fmt_ms(r['p99_ms'])} | {statuses} | {r['yardstick']} ({r['yardstick_tps']:.0f}) | "
            f"{r['ratio']:.1%} | ≥ {r['target_ratio']:.0%}, p99 < {P99_TARGET_MS:.0f} ms | "
            f"**{r['verdict']}** |")
    lines.append(f"| server RSS, largest sample under load | {rss_mib:.1f} MiB | | | | | | < {RSS_TARGET_MIB:.0f} MiB | "
                 f"**{'pass' if rss_ok else 'FAIL'}** |")
    ceilings = []
    by_name = {r["scenario"]: r for r in rows}
    rounds = int(meta.get("ceiling_rounds") or 0)
    for name, what, ykey, target, scenario in CEILINGS:
        ratios, tpss, steals = [], [], []
        for r in range(1, rounds + 1):
            c = parse_pgbench(read(os.path.join(raw, f"ceiling_{r}_{name}.txt")))
            y = parse_pgbench(read(os.path.join(raw, f"ceiling_{r}_{ykey}.txt")))
            if not c or not y or not y.get("tps"):
                continue
            ratios.append(c["tps"] / y["tps"])
            tpss.append(c["tps"])
            steal = steal_of(raw, f"ceiling_{r}_{name}")
            if steal is not None:
                steals.append(steal)
        if not ratios:
            continue
        http = by_name.get(scenario) if scenario else None
        tps = statistics.median(tpss)
        ceilings.append({
            "ceiling": name, "what": what, "tps": tps, "tps_runs": tpss,
            "yardstick": YARDSTICK_LABEL[ykey], "ratio": statistics.median(ratios),
            "ratios": ratios, "target_ratio": target, "scenario": scenario,
            "http_share": http["rps"] / tps if http and tps else None,
            "steal": statistics.median(steals) if steals else None,
        })
    if ceilings:
        lines.append("")
        lines.append("Ceilings: the server's own statements run by pgbench on PostgreSQL alone "
                     "(`bench/ceiling-*.sql`, no server, no HTTP; same clients), each right after "
                     f"its yardstick, in {rounds} rounds of {meta.get('ceiling_seconds')} s runs; "
                     "the ratio is the median of the rounds' ratios (lowest–highest):")
        lines.append("")
        lines.append("| statements | TPS (median) | yardstick | ratio | target of the scenario | "
                     "HTTP scenario / ceiling | steal (median) |")
        lines.append("| --- | ---: | --- | --- | --- | ---: | ---: |")
        for c in ceilings:
            share = f"{c['http_share']:.0%} ({c['scenario']})" if c["http_share"] is not None else ""
            steal = "" if c["steal"] is None else f"{c['steal']:.0f}"
            lines.append(f"| {c['what']} | {c['tps']:.0f} | {c['yardstick']} | "
                         f"**{c['ratio']:.1%}** ({min(c['ratios']):.1%}–{max(c['ratios']):.1%}) | "
                         f"≥ {c['target_ratio']:.0%} | {share} | {steal} |")
    lines.append("")
    lines.append("CPU while each scenario ran, in % of one core (the machine has "
                 f"{meta.get('nproc', '?')} cores = {100 * int(meta.get('nproc', 1) or 1)} %); "
                 "`other` is every other process (a compile next to the bench shows up there); "
                 "`steal` is time the hypervisor gave to other guests (on a shared virtual "
                 "machine the scenarios then had less CPU than the yardsticks, or more):")
    lines.append("")
    lines.append("| scenario | server | postgres | wrk | other | steal | server RSS max | load average |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, cpu, rss, load in cpu_rows:
        lines.append(f"| {label} | {cpu.get('server', 0):.0f} | {cpu.get('postgres', 0):.0f} | "
                     f"{cpu.get('wrk', 0):.0f} | {cpu.get('other', 0):.0f} | {cpu.get('steal', 0):.0f} | "
                     f"{(rss or 0) / 1024:.1f} MiB | {' '.join(load or [])} |")
    lines.append("")
    if failures:
        lines.append("Missed or erred:")
        lines.extend(f"- {f}" for f in failures)
    else:
        lines.append("Every target met.")
    for r in rows:
        for p in r["problems"]:
            lines.append(f"- note, {r['label']}: {p}")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(out_md, "w") as f:
        f.write(text)
    with open(os.path.join(raw, "results.json"), "w") as f:
        json.dump({"meta": meta, "yardsticks": yard, "scenarios": rows, "ceilings": ceilings,
                   "max_rss_mib": rss_mib, "failures": failures}, f, indent=1)
    if strict and failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
