#!/usr/bin/env python3
"""Samples the server's memory and who used the CPU while one load scenario runs.

Usage: sampler.py SERVER_PID OUT_JSON [INTERVAL_SECONDS]. Runs until SIGTERM or SIGINT (or
until the server exits; SERVER_PID 0 samples the machine alone, while pgbench runs), then writes OUT_JSON with the largest VmRSS seen, the server's VmHWM,
and the CPU time used by the server, by PostgreSQL's processes, by wrk and by everything else
(other processes on the machine: a compile running next to the bench shows up there), and the
CPU time the hypervisor took away (steal).
"""
import json
import os
import signal
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")
stop = False


def on_signal(*_):
    global stop
    stop = True


def status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def proc_ticks():
    """{pid: (comm, utime + stime ticks)} for every process."""
    out = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        comm = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        out[int(name)] = (comm, int(fields[11]) + int(fields[12]))
    return out


def busy_and_steal_ticks():
    """(busy, steal) ticks of the whole machine. Steal is time the hypervisor gave another
    guest while this one wanted to run: counted apart, it is not a process of this machine."""
    with open("/proc/stat") as f:
        cpu = f.readline().split()[1:]
    values = [int(v) for v in cpu]
    idle = values[3] + values[4]  # idle + iowait
    steal = values[7]
    return sum(values[:7]) - idle, steal


def main():
    pid = int(sys.argv[1])
    out_path = sys.argv[2]
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.25
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    start_wall = time.monotonic()
    start_busy, start_steal = busy_and_steal_ticks()
    first = proc_ticks()
    last = dict(first)
    max_rss = (status_kib(pid, "VmRSS") or 0) if pid else 0
    samples = 0
    while not stop:
        time.sleep(interval)
        if pid:
            rss = status_kib(pid, "VmRSS")
            if rss is None:
                break
            max_rss = max(max_rss, rss)
        samples += 1
        last.update(proc_ticks())
    wall = time.monotonic() - start_wall
    end_busy, end_steal = busy_and_steal_ticks()
    busy, steal = end_busy - start_busy, end_steal - start_steal

    def used(match):
        total = 0
        for p, (comm, ticks) in last.items():
            if match(p, comm):
                before = first.get(p)
                total += ticks - (before[1] if before and before[0] == comm else 0)
        return total

    server = used(lambda p, c: pid and p == pid)
    postgres = used(lambda p, c: c.startswith("postgres"))
    wrk = used(lambda p, c: c in ("wrk", "pgbench"))
    ncpu = os.cpu_count() or 1

    def pct(ticks):  # percent of one core
        return round(100.0 * ticks / CLK / wall, 1) if wall > 0 else 0.0

    result = {
        "samples": samples,
        "wall_s": round(wall, 2),
        "max_rss_kib": max_rss,
        "hwm_kib": status_kib(pid, "VmHWM") if pid else None,
        "cpu_pct_of_one_core": {
            "server": pct(server),
            "postgres": pct(postgres),
            "wrk": pct(wrk),
            "other": pct(max(busy - server - postgres - wrk, 0)),
            "steal": pct(steal),
            "machine_capacity": 100 * ncpu,
        },
        "loadavg": open("/proc/loadavg").read().split()[:3],
    }
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
