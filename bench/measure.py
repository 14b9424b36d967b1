#!/usr/bin/env python
"""Measure a running Kefu on 127.0.0.1: p50/p95 of the queue, detail and create, sustained creates/s, server RSS.

    .venv/bin/python bench/measure.py --base http://127.0.0.1:8000 --user supervisor --password kefu-demo-2026

Every loop is bounded twice (a request count and a time limit) and only loopback addresses are accepted, so
the script can never turn into a load generator against someone else's server. Standard library only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
FILTER = {"status": "in_progress", "type": "repair"}


class Client:
    """One keep-alive connection with a cookie jar (enough for Django sessions and CSRF)."""

    def __init__(self, host, port, *, token=None):
        self.conn = http.client.HTTPConnection(host, port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.token = token

    def request(self, method, path, *, body=None, headers=None, form=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None and not isinstance(body, bytes | str):
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection; reconnect once.
                self.conn.close()
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data


def timed(client, path, *, count, seconds, method="GET", body_fn=None, ok=(200,)):
    """Latencies in ms of up to `count` requests within `seconds`, after a short warm-up."""
    paths = path if callable(path) else (lambda: path)
    for _ in range(5):
        client.request(method, paths(), body=body_fn() if body_fn else None)
    samples, errors = [], 0
    deadline = time.monotonic() + seconds
    while len(samples) + errors < count and time.monotonic() < deadline:
        body = body_fn() if body_fn else None
        target = paths()
        t0 = time.perf_counter()
        status, _ = client.request(method, target, body=body)
        elapsed = (time.perf_counter() - t0) * 1000
        if status in ok:
            samples.append(elapsed)
        else:
            errors += 1
    return samples, errors


def pct(samples, q):
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def login_html(client, user, password):
    status, page = client.request("GET", "/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not match:
        raise SystemExit(f"login page not usable (HTTP {status})")
    status, _ = client.request(
        "POST",
        "/login/",
        form={"username": user, "password": password, "csrfmiddlewaretoken": match.group(1).decode()},
        headers={"Referer": "http://127.0.0.1/login/"},
    )
    if status != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"HTML login failed (HTTP {status})")


def api_token(client, user, password):
    status, data = client.request("POST", "/api/v1/auth/token/", body={"username": user, "password": password})
    if status != 200:
        raise SystemExit(f"API token refused (HTTP {status}): {data[:200]!r}")
    return json.loads(data)["token"]


def server_pids(pid=None, port=None) -> list[int]:
    """The gunicorn master (given, or the process listening on `port`) and its workers."""
    if pid is None and port is not None:
        pid = _listener_pid(port)
    if pid is None:
        return []
    pids = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                pids.append(int(entry))
    return pids


def _listener_pid(port) -> int | None:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "0A":  # LISTEN
                        inodes.add(parts[9])
        except OSError:
            continue
    holders = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{entry}/fd"):
                link = os.readlink(f"/proc/{entry}/fd/{fd}")
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    holders.append(int(entry))
                    break
        except OSError:
            continue
    return min(holders) if holders else None  # the master started first: lowest pid


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def sustained_creates(host, port, token, body_fn, *, threads, seconds, max_requests):
    """Creates/s over `seconds` with `threads` keep-alive clients; bounded by `max_requests` in total."""
    done, errors = [0], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        client = Client(host, port, token=token)
        while time.monotonic() < deadline:
            with lock:
                if done[0] + errors[0] >= max_requests:
                    return
            status, _ = client.request("POST", "/api/v1/work-orders/", body=body_fn())
            with lock:
                if status == 201:
                    done[0] += 1
                else:
                    errors[0] += 1

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return done[0] / (time.monotonic() - started), errors[0]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", default="http://127.0.0.1:8000")
    p.add_argument("--user", default="supervisor")
    p.add_argument("--password", default="kefu-demo-2026")
    p.add_argument("--requests", type=int, default=200, help="requests per figure (default 200)")
    p.add_argument("--seconds", type=float, default=20, help="time limit per figure (default 20 s)")
    p.add_argument("--create-seconds", type=float, default=10, help="duration of the sustained create run")
    p.add_argument("--threads", type=int, default=4, help="client threads for the sustained create run")
    p.add_argument("--pid", type=int, help="gunicorn master pid (default: the process listening on the port)")
    p.add_argument("--label", default="", help="printed above the table, e.g. 'sqlite, N=100000'")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument("--only", help="measure only figures whose name contains this text (e.g. 'filtered')")
    args = p.parse_args(argv)

    url = urlsplit(args.base)
    if url.hostname not in LOOPBACK:
        raise SystemExit("measure.py only talks to a server on 127.0.0.1")
    host, port = url.hostname, url.port or 80
    rng = random.Random(1)

    html = Client(host, port)
    login_html(html, args.user, args.password)
    api = Client(host, port)
    api.token = api_token(api, args.user, args.password)

    status, data = api.request("GET", "/api/v1/work-orders/?scope=team&page_size=100")
    if status != 200:
        raise SystemExit(f"API queue answered HTTP {status}")
    rows = json.loads(data)["results"]
    max_id = max(r["id"] for r in rows)
    with_customer = [r for r in rows if r.get("customer")]
    site_id = with_customer[0]["site"]["id"]
    customer_ids = sorted({r["customer"]["id"] for r in with_customer if r["site"]["id"] == site_id})

    def random_id():
        return rng.randint(1, max_id)

    n, s = args.requests, args.seconds
    team = "scope=team"
    filtered = f"{team}&{urlencode(FILTER)}"
    figures = {}

    def wanted(name):
        return not args.only or args.only in name

    def record(name, samples, errors):
        figures[name] = {"p50": pct(samples, 50), "p95": pct(samples, 95), "n": len(samples), "errors": errors}
        print(f"  {name:<34} p50 {figures[name]['p50']:7.1f} ms   p95 {figures[name]['p95']:7.1f} ms   "
              f"n={len(samples)} errors={errors}", flush=True)  # fmt: skip

    gets = [
        ("queue HTML, unfiltered", html, lambda: f"/work-orders/?{team}"),
        ("queue HTML, filtered", html, lambda: f"/work-orders/?{filtered}"),
        ("queue API, unfiltered", api, lambda: f"/api/v1/work-orders/?{team}"),
        ("queue API, filtered", api, lambda: f"/api/v1/work-orders/?{filtered}"),
        # Issue 6: the open queue sorted by nearest deadline (an index range on site, status, due_at).
        ("queue HTML, by due", html, lambda: f"/work-orders/?{team}&status=in_progress&sort=due"),
        ("queue API, by due", api, lambda: f"/api/v1/work-orders/?{team}&status=in_progress&sort=due"),
        # Random ids across the whole table: most rows are cold, as on a real day.
        ("detail HTML", html, lambda: f"/work-orders/{random_id()}/"),
        ("detail API", api, lambda: f"/api/v1/work-orders/{random_id()}/"),
    ]
    for name, client, path in gets:
        if wanted(name):
            record(name, *timed(client, path, count=n, seconds=s, ok=(200, 404) if "detail" in name else (200,)))

    def create_body():
        return {
            "site": site_id,
            "type": "inquiry",
            "channel": "phone",
            "subject": "压测:咨询停车收费标准",
            "description": "基准测试写入的工单。",
            "customer": rng.choice(customer_ids) if customer_ids else None,
            "accept_now": True,
        }

    if wanted("create API (sequential)"):
        record(
            "create API (sequential)",
            *timed(api, "/api/v1/work-orders/", method="POST", body_fn=create_body, count=n, seconds=s, ok=(201,)),
        )
    rate = float("nan")
    if wanted("creates/s sustained"):
        started = time.process_time()
        rate, errors = sustained_creates(
            host, port, api.token, create_body, threads=args.threads, seconds=args.create_seconds, max_requests=20_000
        )
        # This client's own CPU per create: the same work in every run, so it shows how fast the machine was then
        # (on the 2-core VM: 0.23-0.25 ms in a quick phase, 0.4-0.5 ms in a slow one).
        client_ms = 1000 * (time.process_time() - started) / max(rate * args.create_seconds, 1)
        figures["creates/s sustained"] = {
            "value": rate,
            "errors": errors,
            "threads": args.threads,
            "client_cpu_ms": client_ms,
        }
        print(
            f"  {'creates/s sustained':<34} {rate:7.0f} /s  ({args.threads} threads, errors={errors}; "
            f"client CPU {client_ms:.2f} ms per create)",
            flush=True,
        )
    pids = server_pids(args.pid, None if args.pid else port)
    figures["server RSS MB"] = {"value": rss_mb(pids), "processes": len(pids)}
    print(f"  {'server RSS':<34} {figures['server RSS MB']['value']:7.0f} MB ({len(pids)} processes)", flush=True)

    print()
    if args.label:
        print(f"### {args.label}")
    print("| figure | p50 ms | p95 ms |")
    print("| --- | ---: | ---: |")
    for name, f in figures.items():
        if "p50" in f:
            print(f"| {name} | {f['p50']:.1f} | {f['p95']:.1f} |")
    print(f"| creates/s sustained ({args.threads} threads) | {rate:.0f} | |")
    print(f"| server RSS, master + workers | {figures['server RSS MB']['value']:.0f} MB | |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"label": args.label, "figures": figures}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
