#!/usr/bin/env python
"""Where the CPU of sustained creates goes: the server, PostgreSQL's backends, this client, and idle time.

    .venv/bin/python bench/create_cpu.py --base http://127.0.0.1:8765 [--seconds 10] [--threads 4]
    ... [--pg-waits postgres://postgres@127.0.0.1:55432/kefu_bench]

Runs measure.py's sustained-create loop against a running server on 127.0.0.1 and reads /proc before and after:
CPU per create of the server (the process listening on the port and its children), of the postgres user's
processes, of this client, and of the whole machine, and the share of the machine's time spent idle. On a
2-core machine, 300 creates/s leaves 6.7 ms of machine CPU per create; idle time is waiting (locks, the GIL of
a busy worker), not work. The share stolen by the host (time the hypervisor ran another guest on our vCPUs, from
/proc/stat) is left out of the machine's CPU and printed beside it: it says how slow a phase is. With --pg-waits, PostgreSQL's pg_stat_activity is sampled every 5 ms meanwhile and the
commonest states of the database's client backends are printed (how many creates, on average, wait on a lock and
on which statement).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import LOOPBACK, Client, api_token, server_pids, sustained_creates  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def postgres_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-u", "postgres"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def sample_waits(url: str, stop: threading.Event) -> tuple[Counter, int]:
    import psycopg  # only for this option: the rest of bench/ needs no driver

    states: Counter = Counter()
    samples = 0
    with psycopg.connect(url, autocommit=True) as conn:
        sql = (
            "SELECT state, wait_event_type, wait_event, left(query, 50) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        while not stop.wait(0.005):
            for state, kind, event, query in conn.execute(sql):
                states[(state, kind, event, "" if state == "idle" else query)] += 1
            samples += 1
    return states, samples


def machine() -> tuple[float, float, float]:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    # all (user … steal; guest time is inside user), idle + iowait, steal: time the hypervisor gave another guest
    return sum(values[:8]) / TICK, (values[3] + values[4]) / TICK, values[7] / TICK


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", default="http://127.0.0.1:8000")
    p.add_argument("--user", default="supervisor")
    p.add_argument("--password", default="kefu-demo-2026")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--pg-waits", metavar="DATABASE_URL", help="also sample pg_stat_activity of this database")
    args = p.parse_args(argv)
    url = urlsplit(args.base)
    if url.hostname not in LOOPBACK:
        p.error("only a server on this machine (127.0.0.1) may be measured")
    port = url.port or 80
    client = Client(url.hostname, port)
    client.token = api_token(client, args.user, args.password)
    _, data = client.request("GET", "/api/v1/work-orders/?scope=team&page_size=50")
    row = next(r for r in json.loads(data)["results"] if r.get("customer"))
    body = {
        "site": row["site"]["id"],
        "type": "inquiry",
        "channel": "phone",
        "subject": "压测:CPU 分解",
        "description": "基准测试写入的工单。",
        "customer": row["customer"]["id"],
        "accept_now": True,
    }
    servers = server_pids(None, port)

    def snapshot():
        return (
            sum(process_cpu(p) for p in servers),
            {p: process_cpu(p) for p in postgres_pids()},
            machine(),
            time.process_time(),
        )

    stop, waits = threading.Event(), {}
    if args.pg_waits:
        sampler = threading.Thread(target=lambda: waits.update(result=sample_waits(args.pg_waits, stop)))
        sampler.start()
    s0, pg0, (all0, idle0, steal0), me0 = snapshot()
    rate, errors = sustained_creates(
        url.hostname, port, client.token, lambda: body, threads=args.threads, seconds=args.seconds, max_requests=20_000
    )
    s1, pg1, (all1, idle1, steal1), me1 = snapshot()
    if args.pg_waits:
        stop.set()
        sampler.join()
    n = max(rate * args.seconds, 1)
    pg = sum(cpu - pg0.get(pid, 0.0) for pid, cpu in pg1.items())
    busy = (all1 - all0) - (idle1 - idle0) - (steal1 - steal0)
    print(
        f"{rate:.0f} creates/s ({args.threads} client threads, errors={errors}); CPU ms per create: "
        f"server {1000 * (s1 - s0) / n:.2f}, postgres {1000 * pg / n:.2f}, client {1000 * (me1 - me0) / n:.2f}, "
        f"machine {1000 * busy / n:.2f}; machine idle {(idle1 - idle0) / (all1 - all0):.0%}, "
        f"stolen by the host {(steal1 - steal0) / (all1 - all0):.0%}"
    )
    if waits:
        states, samples = waits["result"]
        print(f"PostgreSQL client backends, mean count per sample ({samples} samples):")
        for (state, kind, event, query), count in states.most_common(10):
            print(f"  {count / max(samples, 1):5.2f}  {state:<20} {kind or '-'}:{event or '-':<14} {query}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
