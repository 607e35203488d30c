#!/usr/bin/env python3
"""Fires LOGINS logins of one account at the server from CLIENTS concurrent clients.

Usage: login_load.py BASE_URL EMAIL PASSWORD LOGINS CLIENTS > result.json

Each client is a thread with its own keep-alive connection that takes the next login from a
shared counter until LOGINS have been sent, so exactly LOGINS requests go out, at most CLIENTS
at a time. Prints JSON: statuses seen, seconds, logins per second, latency p50/p99 (ms).
Every request goes to BASE_URL (127.0.0.1); each has a 60 s time-out, so the run ends.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def main():
    base, email, password = sys.argv[1], sys.argv[2], sys.argv[3]
    logins, clients = int(sys.argv[4]), int(sys.argv[5])
    url = urllib.parse.urlsplit(base)
    body = json.dumps({"email": email, "password": password}).encode()
    headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
    lock = threading.Lock()
    next_login = [0]
    statuses = {}
    latencies = []

    def client():
        conn = None
        while True:
            with lock:
                if next_login[0] >= logins:
                    break
                next_login[0] += 1
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
                conn.request("POST", "/api/v1/auth/login", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = str(response.status)
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                if conn is not None:
                    conn.close()
                conn = None
            elapsed = time.perf_counter() - started
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(elapsed)
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)

    json.dump({
        "logins": logins,
        "clients": clients,
        "statuses": statuses,
        "ok": statuses.get("200", 0),
        "seconds": round(seconds, 2),
        "per_second": round(statuses.get("200", 0) / seconds, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
