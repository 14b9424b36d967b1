#!/usr/bin/env python
"""Where one request's time goes, in-process: queries (count, SQL time) and a cProfile of N repeats.

    KEFU_VAR_DIR=/tmp/kefu-bench .venv/bin/python bench/profile_request.py queue-api-filtered [--repeat 50]
    ... profile_request.py all --queries         # query counts and median in-process time of every figure

Python function calls per request (from cProfile) are the steadiest figure to compare before/after.
Runs through Django's test Client against the database of KEFU_VAR_DIR / DATABASE_URL (load it with
load_orders.py first), as the demo supervisor: session for HTML, token for the API, as measure.py does.
Creates write real rows (like measure.py). On a shared machine wall-clock medians swing with the load; the median
CPU time of the process (cpu=) and the call count move far less.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
os.environ.setdefault("KEFU_DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from kefu.accounts.models import User  # noqa: E402
from kefu.tickets.models import WorkOrder  # noqa: E402

TEAM = "scope=team"
FILTERED = f"{TEAM}&status=in_progress&type=repair"


def figures(detail_id: int, site_id: int, customer_id: int | None):
    body = {
        "site": site_id,
        "type": "inquiry",
        "channel": "phone",
        "subject": "压测:咨询停车收费标准",
        "description": "基准测试写入的工单。",
        "customer": customer_id,
        "accept_now": True,
    }
    return {
        "queue-html": ("html", "get", f"/work-orders/?{TEAM}", None),
        "queue-html-filtered": ("html", "get", f"/work-orders/?{FILTERED}", None),
        "queue-api": ("api", "get", f"/api/v1/work-orders/?{TEAM}", None),
        "queue-api-filtered": ("api", "get", f"/api/v1/work-orders/?{FILTERED}", None),
        "queue-html-due": ("html", "get", f"/work-orders/?{TEAM}&status=in_progress&sort=due", None),
        "queue-api-due": ("api", "get", f"/api/v1/work-orders/?{TEAM}&status=in_progress&sort=due", None),
        "detail-html": ("html", "get", f"/work-orders/{detail_id}/", None),
        "detail-api": ("api", "get", f"/api/v1/work-orders/{detail_id}/", None),
        "create-api": ("api", "post", "/api/v1/work-orders/", body),
    }


def _caller(name, client, method, path, body):
    def call():
        if method == "post":
            response = client.post(path, body, content_type="application/json")
        else:
            response = client.get(path)
        assert response.status_code in (200, 201), (name, response.status_code, response.content[:300])
        return response

    return call


def _sql_timer(out: list):
    def timer(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            out.append(((time.perf_counter() - t) * 1000, sql, params))

    return timer


def _planning_ms(sql: str, params) -> float:
    """PostgreSQL's time planning one statement for the values the request sent (EXPLAIN runs nothing): what a
    custom plan costs each call, and a read marked reuse_plan saves once its plan is cached."""
    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith(
        ("SELECT", "INSERT", "UPDATE", "DELETE")
    ):
        return float("nan")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (SUMMARY) {sql}", params)
        last = cursor.fetchall()[-1][0]
    return float(last.split(":")[1].split()[0]) if last.startswith("Planning Time") else float("nan")


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("figure", help="a figure name, or 'all'")
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--user", default="supervisor")
    p.add_argument("--queries", action="store_true", help="print every query of one request")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--sort", default="cumulative")
    p.add_argument("--cpu", action="store_true", help="profile CPU time (time waiting for the database left out)")
    p.add_argument("--detail-id", type=int, help="the order of the detail figures (default: a fixed closed one)")
    p.add_argument("--plans", action="store_true", help="with each query, PostgreSQL's time planning it (EXPLAIN)")
    # --queries: a reuse_plan read's answer is awaited when its pipeline ends, outside the per-query timer.
    p.add_argument("--callees", help="also print what functions matching this name call (e.g. detail_row)")
    args = p.parse_args(argv)

    user = User.objects.get(username=args.user)
    token, _ = Token.objects.get_or_create(user=user)
    html = Client(HTTP_HOST="127.0.0.1")
    html.force_login(user)
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}")
    last = WorkOrder.objects.order_by("-id").values("id", "site_id", "customer_id").first()
    # A fixed order for the detail figures (not one that moves as creates add rows), 50,000 on a bench database.
    mid = WorkOrder.objects.filter(id__lte=min(50_000, last["id"] // 2)).order_by("-id").values_list("id", flat=True)[0]
    customer = WorkOrder.objects.filter(site_id=last["site_id"], customer__isnull=False).values("customer_id").first()
    table = figures(args.detail_id or mid, last["site_id"], customer["customer_id"] if customer else None)
    names = list(table) if args.figure == "all" else [args.figure]
    clients = {"html": html, "api": api}

    for name in names:
        kind, method, path, body = table[name]
        call = _caller(name, clients[kind], method, path, body)

        call()  # warm: templates, url resolver, caches
        timed_sql: list[tuple[float, str, object]] = []
        timer = _sql_timer(timed_sql)
        with connection.execute_wrapper(timer), CaptureQueriesContext(connection) as ctx:
            call()
        captured = list(ctx.captured_queries)  # the next request's request_started clears the log
        sql_ms = sum(ms for ms, _sql, _params in timed_sql)
        times, cpu = [], []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            call()
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        prof = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
        prof.enable()
        for _ in range(args.repeat):
            call()
        prof.disable()
        stats = pstats.Stats(prof)
        print(
            f"{name:<22} queries={len(captured):3d} sql={sql_ms:6.1f} ms  "
            f"median={statistics.median(times):6.1f} ms  cpu={statistics.median(cpu):5.1f} ms  "
            f"calls/request={stats.total_calls // args.repeat:7d}"
        )
        if args.queries or args.plans:
            for ms, sql, params in timed_sql:
                plan = f"  plan {_planning_ms(sql, params):5.2f} ms" if args.plans else ""
                print(f"   {ms:6.2f} ms{plan}  {sql[:220]}")
        if args.figure != "all":
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(args.sort).print_stats(args.top)
            if args.callees:
                pstats.Stats(prof, stream=out).sort_stats("cumulative").print_callees(args.callees)
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
