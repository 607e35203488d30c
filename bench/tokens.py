#!/usr/bin/env python3
"""Registers COUNT load-test customers through the API and prints one access token a line.

Usage: tokens.py BASE_URL COUNT > tokens.txt
Goes through POST /api/v1/auth/register (role customer), one at a time (each registration
hashes a password with argon2id, 19 MiB, so a burst would inflate the server's memory before
the load even starts). A customer that exists already (a rerun on a kept database) logs in.
"""
import json
import sys
import urllib.error
import urllib.request

PASSWORD = "bench-password-2026"


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def main():
    base, count = sys.argv[1].rstrip("/"), int(sys.argv[2])
    for n in range(1, count + 1):
        email = f"load{n}@bench.watertrek.test"
        status, body = post(f"{base}/api/v1/auth/register", {
            "email": email, "password": PASSWORD, "role": "customer",
            "full_name": f"Load Customer {n}"})
        if status == 409:
            status, body = post(f"{base}/api/v1/auth/login", {"email": email, "password": PASSWORD})
        token = body.get("access_token") or (body.get("tokens") or {}).get("access_token")
        if status not in (200, 201) or not token:
            sys.exit(f"cannot get a token for {email}: HTTP {status} {body}")
        print(token, flush=True)


if __name__ == "__main__":
    main()
