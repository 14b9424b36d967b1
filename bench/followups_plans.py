#!/usr/bin/env python
"""Time generating a year of tier revisit plans for 100,000 customers (issue 5: ≤ 60 s).

    KEFU_VAR_DIR=/tmp/kefu-bench-followups .venv/bin/python bench/followups_plans.py [N] [--database-url URL]

Works on a throwaway database: the SQLite file under KEFU_VAR_DIR is deleted and migrated afresh (a PostgreSQL
URL must name a database you can lose; its tables are migrated, never dropped). Customers are enterprise customers
of one site, bulk-created with a tier mix of 10 % A, 30 % B, 60 % C; the plan is generated for 2026 as of
1 January 2026 (a whole year the holiday data covers), through the real service `generate_revisit_plans`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import zoneinfo
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, nargs="?", default=100_000)
    p.add_argument("--database-url")
    args = p.parse_args(argv)
    os.environ.setdefault("KEFU_VAR_DIR", "/tmp/kefu-bench-followups")
    os.environ.setdefault("KEFU_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ["DATABASE_URL"] = ""
        db = Path(os.environ["KEFU_VAR_DIR"]) / "kefu.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kefu.accounts.models import Role, Site, User
    from kefu.customers.models import Customer
    from kefu.followups import plan_services
    from kefu.followups.models import FollowUp

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.monotonic() - started:.1f} s ({connection.vendor})", flush=True)

    site, _ = Site.objects.get_or_create(code="BN", defaults={"name": "基准测试客服中心"})
    staff = {}
    for username, role in (("bench_am", Role.SUPERVISOR), ("bench_mgr", Role.MANAGER), ("bench_admin", Role.ADMIN)):
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "display_name": username})
        user.sites.add(site)
        staff[role] = user
    actor = staff[Role.ADMIN]
    actor.is_superuser = True
    actor.save(update_fields=["is_superuser"])

    rng = random.Random(5)
    t = time.monotonic()
    existing = Customer.objects.filter(site=site).count()
    Customer.objects.bulk_create(
        (
            Customer(site=site, kind="enterprise", name=f"企业客户{i:06d}", tier=rng.choices("ABC", (1, 3, 6))[0])
            for i in range(existing, args.n)
        ),
        batch_size=5_000,
    )
    total = Customer.objects.filter(site=site).count()  # a reused PostgreSQL database may hold more than N
    print(f"customers: {total:,} ({time.monotonic() - t:.1f} s)", flush=True)

    now = datetime(2026, 1, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    FollowUp.objects.filter(site=site).delete()
    t = time.monotonic()
    result = plan_services.generate_revisit_plans(site.id, actor=actor, year=2026, now=now)
    took = time.monotonic() - t
    print(
        f"generate 2026 plans: {result['visits']:,} visits for {total:,} customers in {took:.1f} s "
        f"({result['visits'] / took:,.0f} rows/s) — target ≤ 60 s",
        flush=True,
    )
    t = time.monotonic()
    again = plan_services.generate_revisit_plans(site.id, actor=actor, year=2026, now=now)
    print(f"rerun (adds nothing): {again['visits']:,} visits in {time.monotonic() - t:.1f} s", flush=True)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    return 0 if took <= 60 else 1


if __name__ == "__main__":
    sys.exit(main())
