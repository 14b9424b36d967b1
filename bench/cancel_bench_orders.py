#!/usr/bin/env python
"""Cancel the open orders earlier bench runs created (subject "压测…"), as the supervisor, through the service.

    KEFU_VAR_DIR=... [DATABASE_URL=...] .venv/bin/python bench/cancel_bench_orders.py

Every run creates 2,000–3,000 orders that nobody answers. Left open, their deadlines pass while no server runs,
and the next run's scheduler had tens of thousands of clocks to breach and escalate (73,543 after a day of A/B
runs: an hour of `drain_jobs.py`). Cancelled, their clocks stop and the history says why; the orders stay in the
table, so the database keeps its size. run.sh calls this before draining the scheduled jobs.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
os.environ.setdefault("KEFU_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

SUBJECT_PREFIX = "压测"  # measure.py and create_cpu.py subjects
REASON = "压测结束,非真实来电"
BATCH = 500


def main() -> int:
    import django

    django.setup()
    from kefu.accounts.models import User
    from kefu.tickets.models import WorkOrder
    from kefu.tickets.services import cancel_work_order
    from kefu.tickets.transitions import OPEN_STATUSES

    actor = User.objects.get(username=os.environ.get("KEFU_BENCH_USER", "supervisor"))
    started = time.perf_counter()
    cancelled = 0
    last_id = 0
    while True:
        batch = list(
            WorkOrder.objects.filter(
                id__gt=last_id, subject__startswith=SUBJECT_PREFIX, status__in=OPEN_STATUSES
            ).order_by("id")[:BATCH]
        )
        if not batch:
            break
        last_id = batch[-1].id
        for order in batch:
            cancel_work_order(order, actor=actor, reason=REASON)
            cancelled += 1
    took = time.perf_counter() - started
    print(f"bench orders cancelled: {cancelled} in {took:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
