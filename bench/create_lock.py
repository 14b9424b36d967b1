#!/usr/bin/env python
"""How long one create holds what every create queues on: the day's number lock and the write transaction.

    KEFU_VAR_DIR=/tmp/kefu-bench [DATABASE_URL=...] .venv/bin/python bench/create_lock.py [N] [--statements]

Creates N orders (default 300) in-process through `create_work_order`, one after another, as the demo supervisor,
and prints the median and p90 of: the create's CPU; its write transaction (entering the create's atomic block to
the end of COMMIT; on SQLite the write lock is held all that time); and, on PostgreSQL, the call that takes the
number: it sends the SLA rows, the number with the order and its history (one statement) and COMMIT in one round
trip, and the counter row is locked inside PostgreSQL for part of it. With one writer these are the floor of what
concurrent creates wait for. `--statements` adds the median time of each statement in the create and of the Python
before it. Writes real orders (like measure.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
os.environ.setdefault("KEFU_DEBUG", "0")
os.environ.setdefault("KEFU_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from kefu.accounts.models import User  # noqa: E402
from kefu.accounts.selectors import site_ids_for  # noqa: E402
from kefu.customers.models import Customer  # noqa: E402
from kefu.tickets import services  # noqa: E402


def _ms(values, q=None):
    values = sorted(values)
    if q is None:
        return f"{statistics.median(values) * 1000:6.2f}"
    return f"{values[min(len(values) - 1, int(len(values) * q))] * 1000:6.2f}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, nargs="?", default=300)
    p.add_argument("--user", default="supervisor")
    p.add_argument("--statements", action="store_true")
    args = p.parse_args()

    actor = User.objects.get(username=args.user)
    site = sorted(site_ids_for(actor))[0]
    customers = list(Customer.objects.filter(site_id=site).values_list("id", flat=True)[:50])
    marks: list[tuple[str, float, float]] = []  # (what, start, end) of each statement of one create

    def timed(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            marks.append((" ".join(sql.split()[:3])[:48], t0, time.perf_counter()))

    commit = connection._commit
    numbered, numbered_insert = services.next_number, services.insert_numbered

    def timed_commit():
        t0 = time.perf_counter()
        try:
            return commit()
        finally:
            marks.append(("COMMIT", t0, time.perf_counter()))

    def timed_number(*a, **kw):
        marks.append(("(number)", time.perf_counter(), time.perf_counter()))
        return numbered(*a, **kw)

    def timed_numbered_insert(*a, **kw):  # PostgreSQL: the number, the rows and COMMIT in one round trip
        marks.append(("(number)", time.perf_counter(), time.perf_counter()))
        return numbered_insert(*a, **kw)

    class Atomic:  # the create's own transaction.atomic(), with its enter and exit noted
        def __init__(self, *a, **kw):
            self.block = transaction.atomic(*a, **kw)

        def __enter__(self):
            marks.append(("(begin)", time.perf_counter(), 0.0))
            return self.block.__enter__()

        def __exit__(self, *exc):
            try:
                return self.block.__exit__(*exc)
            finally:
                marks.append(("(end)", 0.0, time.perf_counter()))

    shim = type("transaction", (), {"atomic": Atomic, "on_commit": staticmethod(transaction.on_commit)})
    connection.ensure_connection()
    connection._commit = timed_commit
    services.next_number, services.insert_numbered = timed_number, timed_numbered_insert
    services.transaction = shim
    cpu, transaction_s, lock_s = [], [], []
    per_statement, python_before = defaultdict(list), defaultdict(list)
    try:
        with connection.execute_wrapper(timed):
            for i in range(args.n):
                marks.clear()
                t0 = time.process_time()
                services.create_work_order(
                    actor=actor,
                    site_id=site,
                    type="inquiry",
                    channel="phone",
                    subject="压测:咨询停车收费标准",
                    description="基准测试写入的工单。",
                    customer_id=customers[i % len(customers)] if customers else None,
                    accept_now=True,
                )
                cpu.append(time.process_time() - t0)
                end = next(m[2] for m in marks if m[0] == "(end)")
                transaction_s.append(end - next(m[1] for m in marks if m[0] == "(begin)"))
                lock_s.append(end - next(m[1] for m in marks if m[0] == "(number)"))
                writes = [m for m in marks if not m[0].startswith("(")]
                previous = None
                for what, start, stop in writes:
                    per_statement[what].append(stop - start)
                    if previous is not None:
                        python_before[what].append(start - previous)
                    previous = stop
    finally:
        connection._commit = commit
        services.next_number, services.insert_numbered = numbered, numbered_insert
        services.transaction = transaction

    print(f"{connection.vendor}, {args.n} creates one after another (ms): median / p90")
    print(f"  create CPU                        {_ms(cpu)} / {_ms(cpu, 0.9)}")
    print(f"  write transaction                 {_ms(transaction_s)} / {_ms(transaction_s, 0.9)}")
    if connection.vendor == "postgresql":
        # insert_numbered sends the SLA rows, the number's statement and COMMIT in one round trip: this is that
        # call, from its first line; the counter row itself is locked only inside PostgreSQL, for less.
        print(f"  number's round trip, with COMMIT  {_ms(lock_s)} / {_ms(lock_s, 0.9)}")
    if args.statements:
        # PostgreSQL pipelines some statements: their own time is the sending, the wait for their answers shows
        # as time before the next one. Reads made once per process (SLA policies, calendars) are left out.
        print("  per statement: its own time, the time before it")
        for what, times in per_statement.items():
            if len(times) < args.n // 2:
                continue
            before = python_before.get(what)
            print(f"    {_ms(times)}  {_ms(before) if before else '     -'}  {what}")


if __name__ == "__main__":
    main()
