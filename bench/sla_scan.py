#!/usr/bin/env python
"""Time the SLA deadline scan over every open work order of a loaded bench database.

    KEFU_VAR_DIR=/tmp/kefu-bench-1m .venv/bin/python bench/sla_scan.py [--transitions 40]

Bench orders are bulk-loaded without clocks, so this first gives every open order a first-response and a
resolution clock (synthetic due instants spread over the next 24 hours, as a busy center's would be), with
`--transitions` of them due within the last 30 seconds — about what one 30-second scan meets in a center with
this many open orders. Then it times one scan that handles those, and a second, steady-state one.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
# Mail is kept in memory: the figure is the scan's database work, not a console printing thousands of mails.
os.environ.setdefault("KEFU_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transitions", type=int, default=40)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone
    from drain_jobs import drain_sla_scan  # this script's folder is on sys.path

    from kefu.sla.models import ClockState, WorkOrderClock
    from kefu.sla.services import active_policies
    from kefu.sla.tasks import scan_deadlines
    from kefu.tickets.models import WorkOrder
    from kefu.tickets.transitions import OPEN_STATUSES

    rng = random.Random(7)
    now = timezone.now()
    policy = active_policies()[-1]
    total_orders = WorkOrder.objects.count()
    missing = list(
        WorkOrder.objects.filter(status__in=list(OPEN_STATUSES), clocks__isnull=True).values_list("id", "created_at")
    )
    started = time.perf_counter()
    with transaction.atomic():
        batch = []
        for n, (order_id, created_at) in enumerate(missing):
            for metric, minutes in (("first_response", 240), ("resolution", 1440)):
                if n < args.transitions and metric == "resolution":
                    due = now - timedelta(seconds=rng.uniform(1, 30))
                else:
                    due = now + timedelta(seconds=rng.uniform(60, 86_400))
                batch.append(
                    WorkOrderClock(
                        work_order_id=order_id,
                        metric=metric,
                        policy=policy,
                        target_minutes=minutes,
                        started_at=created_at,
                        anchor_at=created_at,
                        due_at=due,
                        at_risk_at=due - timedelta(minutes=minutes * 0.2),
                        state=ClockState.RUNNING,
                    )
                )
            if len(batch) >= 5000:
                WorkOrderClock.objects.bulk_create(batch)
                batch = []
        WorkOrderClock.objects.bulk_create(batch)
    setup = time.perf_counter() - started
    open_clocks = WorkOrderClock.objects.filter(state__in=[ClockState.RUNNING, ClockState.AT_RISK]).count()
    print(
        f"work orders: {total_orders:,}; clocks added: {2 * len(missing):,} in {setup:.1f} s; "
        f"running clocks: {open_clocks:,}"
    )
    # Drain whatever is already due (e.g. clocks of orders created by an earlier bench run) ...
    t0 = time.perf_counter()
    handled = drain_sla_scan()
    drained = time.perf_counter() - t0
    if handled:
        print(f"drained backlog: {handled} transitions in {drained:.1f} s ({1000 * drained / handled:.1f} ms each)")
    # ... then a scan that meets a realistic number of fresh breaches, and a steady-state one.
    due = list(
        WorkOrderClock.objects.filter(state=ClockState.RUNNING, metric="resolution")
        .order_by("due_at")
        .values_list("id", flat=True)[: args.transitions]
    )
    past = timezone.now() - timedelta(seconds=5)
    WorkOrderClock.objects.filter(id__in=due).update(due_at=past, at_risk_at=past)
    for label in ("scan with transitions", "steady-state scan"):
        t0 = time.perf_counter()
        done = scan_deadlines(now=timezone.now())
        print(f"{label:24} {1000 * (time.perf_counter() - t0):8.1f} ms  {done}")


if __name__ == "__main__":
    main()
