#!/usr/bin/env python
"""Complaint ledger export at 10,000 and 100,000 complaints: time and peak memory (issue 3: ≤ 30 s, flat memory).

    KEFU_VAR_DIR=/tmp/kefu-bench-cmp .venv/bin/python bench/complaints_ledger.py [--sizes 10000,100000]
        [--database-url URL]

For each size the database is topped up to that many complaints (bulk inserts on top of the demo sites, staff
and customers; `load_demo` runs first when they are missing), then a fresh child process exports the whole
ledger as the demo supervisor (all three sites) through the real view, `GET /complaints/ledger/export/` with
Django's test Client, reading the streamed response to the end. Each export runs twice, after a warm-up request
on an empty ledger (URLconf, templates and catalogues load once per process): once plain, for the elapsed
seconds and the peak RSS of the export alone (VmHWM, reset through /proc/self/clear_refs), and once under
tracemalloc, for the peak of Python allocations (slower, so its time is not the figure). Flat memory means the
100,000-row peaks are close to the 10,000-row ones.

Bench complaints are dated before everything already in the database, with the case-file fields, proposals,
answers and compensations the ledger reads; they carry no event rows (the ledger reads none).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import tracemalloc
import zoneinfo
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from load_orders import _secondary_indexes  # noqa: E402  (bench/ is this script's own folder)

PER_DAY = 600  # complaints a day across the three sites: sets how far back N reaches
BATCH = 5000
CATEGORIES = ["商品质量", "服务态度", "价格", "退换货", "环境设施", "安全", "其他"]
SUBJECTS = [
    ("衬衫洗后严重缩水", "男士纯棉衬衫"), ("促销价与结账价不一致", "促销商品"), ("收银员态度冷淡", "收银服务"),
    ("试衣间灯坏了无人处理", "试衣服务"), ("网购商品尺码发错", "运动鞋"), ("儿童餐里吃出异物", "儿童套餐"),
    ("地下车库出口排队过长", "停车服务"), ("电梯突然停顿", "观光电梯"), ("会员积分未到账", "会员服务"),
    ("退货被拒且无说明", "家电"),
]  # fmt: skip
NAMES = "张伟 王芳 李娜 刘洋 陈静 杨磊 赵敏 黄丽 周杰 吴婷 徐强 孙悦 马超 朱琳 胡军 郭敏".split()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="10000,100000", help="complaint totals to measure at, ascending")
    p.add_argument("--database-url", help="overrides DATABASE_URL")
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--measure", choices=["plain", "traced"], help=argparse.SUPPRESS)  # child process mode
    return p.parse_args(argv)


def setup(database_url):
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    # The demo's notification mails stay in memory instead of flooding the console.
    os.environ.setdefault("KEFU_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()


# ---- loading ---------------------------------------------------------------------------------------------------


def top_up(total: int, rng: random.Random) -> int:
    """Bring the database to `total` complaints; returns how many were added."""
    from django.db import connection, transaction

    from kefu.accounts.models import Department, Site, User
    from kefu.complaints.models import Compensation, Complaint, CustomerAnswer, Proposal
    from kefu.customers.models import Customer
    from kefu.tickets.demo import demo_present, load_demo
    from kefu.tickets.models import WorkOrder, WorkOrderSequence

    if not demo_present():
        print("demo data missing: running load_demo first", flush=True)
        load_demo()
    have = Complaint.objects.count()
    missing = total - have
    if missing <= 0:
        print(f"database already holds {have:,} complaints (use a fresh KEFU_VAR_DIR to measure {total:,})")
        return 0
    sites = list(Site.objects.filter(code__in=["SC", "WY", "DS"]).order_by("code"))
    users = {u.username: u for u in User.objects.filter(username__in=["agent1", "agent2", "frontdesk", "supervisor"])}
    desk = [users["agent1"], users["agent2"], users["frontdesk"]]
    approver = users["supervisor"]
    service_center = {d.site_id: d for d in Department.objects.filter(is_service_center=True, site__in=sites)}
    customers = {s.pk: list(Customer.objects.filter(site=s).values_list("id", "name")) for s in sites}
    shops = {s.pk: list(s.shops.values_list("id", flat=True)) for s in sites}
    tz = zoneinfo.ZoneInfo(sites[0].time_zone)
    earliest = WorkOrder.objects.order_by("created_at").values_list("created_at", flat=True).first()
    # End before the local day of the earliest order, so per-day numbers start fresh (as load_orders.py does).
    first_day = (earliest or datetime.now(UTC)).astimezone(tz).date()
    end = datetime(first_day.year, first_day.month, first_day.day, tzinfo=tz).astimezone(UTC) - timedelta(seconds=1)
    span = max(1, missing / PER_DAY) * 86400
    counters: dict = defaultdict(int)

    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=OFF")  # one transaction: a crash loses the whole load, never half
    started = time.monotonic()
    tables = [m._meta.db_table for m in (WorkOrder, Complaint, Proposal, CustomerAnswer, Compensation)]
    with transaction.atomic(), connection.cursor() as cur:
        # As load_orders.py: secondary indexes are rebuilt once at the end (cheaper than per row) when the load at
        # least doubles the tables; DDL is transactional, so a failed load leaves them in place.
        indexes = _secondary_indexes(cur, connection.vendor, tables) if missing >= have else []
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for start in range(0, missing, BATCH):
            n = min(BATCH, missing - start)
            orders, cases = [], []
            for i in range(start, start + n):
                at = datetime.fromtimestamp(end.timestamp() - span + span * i / missing, UTC)
                site = sites[i % 3]
                day = at.astimezone(tz).date()
                counters[site.pk, day] += 1
                subject, product = SUBJECTS[i % len(SUBJECTS)]
                customer_id, name = rng.choice(customers[site.pk])
                closed = rng.random() < 0.88
                on_spot = rng.random() < 0.4
                status = "closed" if closed else rng.choice(["resolved", "in_progress", "awaiting_customer"])
                agent = desk[i % 3]
                done = at + timedelta(hours=rng.randint(1, 72))
                orders.append(
                    WorkOrder(
                        site_id=site.pk, number=f"{site.code}-{day:%Y%m%d}-{counters[site.pk, day]:04d}",
                        type="complaint", channel=rng.choice(["phone", "walk_in", "online"]), status=status,
                        customer_id=customer_id, subject=subject, description=f"{name}反映:{subject}。", product=product,
                        shop_id=rng.choice(shops[site.pk]) if shops[site.pk] and rng.random() < 0.6 else None,
                        assignee_id=agent.pk, department_id=service_center[site.pk].pk, created_by_id=agent.pk,
                        created_at=at, updated_at=done, accepted_at=at,
                        resolved_at=done if status in ("resolved", "closed") else None,
                        closed_at=done if closed else None,
                        resolution="已按认可的方案处理,顾客接受。" if status in ("resolved", "closed") else "",
                    )
                )  # fmt: skip
                cases.append((at, name, site, closed, on_spot, status, agent))
            WorkOrder.objects.bulk_create(orders, batch_size=1000)
            complaints, proposals, answers, remedies = [], [], [], []
            for order, (at, name, site, closed, on_spot, status, agent) in zip(orders, cases, strict=True):
                settled = status in ("resolved", "closed")
                complaints.append(
                    Complaint(
                        work_order_id=order.pk, site_id=site.pk, complained_at=at, complainant_name=name,
                        contact=f"13{rng.randint(0, 999_999_999):09d}", category=rng.choice(CATEGORIES),
                        demand="要求退款并道歉", apology_note="已向顾客致歉。", apology_by_id=agent.pk, apology_at=at,
                        path="on_the_spot" if on_spot else "investigation",
                        on_spot_resolution="当场处理,顾客接受。" if on_spot else "",
                        told_customer="" if on_spot else "已约定次日答复。",
                        promised_reply_at=None if on_spot else at + timedelta(days=1),
                        outcome="accepted" if settled else "",
                        root_cause="商铺进货质检不严" if closed else "", preventive_measure="每批抽检" if closed else "",
                        liability=rng.choice(["own", "shop", "customer"]) if closed else "undetermined",
                    )
                )  # fmt: skip
                if on_spot:
                    continue
                for number in (1, 2):
                    chosen = number == 1 and (settled or status == "awaiting_customer")
                    proposals.append(
                        Proposal(
                            complaint_id=order.pk, round=1, number=number, text=("全额退款" if number == 1 else "换货"),
                            status=("accepted" if settled else "approved") if chosen else "superseded",
                            proposed_by_id=agent.pk, proposed_at=at, approved_by_id=approver.pk if chosen else None,
                            approved_at=at if chosen else None, replied_by_id=agent.pk if chosen else None,
                            replied_at=at if chosen else None, reply_text="告知顾客同意全额退款。" if chosen else "",
                        )
                    )  # fmt: skip
                if settled:
                    answers.append(
                        CustomerAnswer(
                            complaint_id=order.pk, round=1, accepted=True, recorded_by_id=agent.pk, recorded_at=at
                        )
                    )
                    if rng.random() < 0.25:
                        remedies.append(
                            Compensation(
                                complaint_id=order.pk, kind="compensation", item="购物券",
                                amount=Decimal(rng.choice(["20.00", "50.00", "100.00"])), approved_by_id=approver.pk,
                                recorded_by_id=agent.pk, recorded_at=at,
                            )
                        )  # fmt: skip
            Complaint.objects.bulk_create(complaints, batch_size=1000)
            proposal_rows = Proposal.objects.bulk_create(proposals, batch_size=1000)
            by_complaint = {p.complaint_id: p.pk for p in proposal_rows if p.number == 1}
            for a in answers:
                a.proposal_id = by_complaint[a.complaint_id]
            CustomerAnswer.objects.bulk_create(answers, batch_size=1000)
            Compensation.objects.bulk_create(remedies, batch_size=1000)
            print(f"  {start + n:>9,} / {missing:,} complaints ({time.monotonic() - started:.1f} s)", flush=True)
        # Keep the numbering counters in step with the days the bench orders were placed on.
        WorkOrderSequence.objects.bulk_create(
            [WorkOrderSequence(site_id=s, day=d, last_value=v) for (s, d), v in counters.items()],
            update_conflicts=True, unique_fields=["site", "day"], update_fields=["last_value"], batch_size=1000,
        )  # fmt: skip
        if connection.vendor != "sqlite" and indexes:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks must run before CREATE INDEX
        for _name, sql in indexes:
            cur.execute(sql)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"added {missing:,} complaints in {time.monotonic() - started:.1f} s", flush=True)
    return missing


# ---- measuring (child process) ---------------------------------------------------------------------------------


def _vm(field: str) -> float:
    """A VmRSS / VmHWM line of /proc/self/status in MB. ru_maxrss would carry the parent's peak across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(mode: str) -> dict:
    from django.test import Client

    from kefu.accounts.models import User
    from kefu.complaints.models import Complaint

    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(username="supervisor"))
    rows = Complaint.objects.count()
    # Warm-up on an empty ledger: URLconf, templates and translation catalogues load once per process, not per row.
    warm = client.get("/complaints/ledger/export/", {"category": "-"})
    assert warm.status_code == 200
    b"".join(warm.streaming_content)
    warm.close()
    rss_before = _vm("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    if mode == "traced":
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/complaints/ledger/export/")
    assert response.status_code == 200 and response.streaming, response.status_code
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if mode == "traced" else None
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "bytes": size,
        "tracemalloc_peak_mb": round(peak / 2**20, 1) if peak is not None else None,
        "rss_before_mb": round(rss_before, 1),
        "rss_peak_mb": round(_vm("VmHWM"), 1),
    }


def run_child(mode: str, database_url) -> dict:
    cmd = [sys.executable, __file__, "--measure", mode]
    if database_url:
        cmd += ["--database-url", database_url]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None) -> int:
    args = parse_args(argv)
    setup(args.database_url)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    results = []
    for size in sorted(int(s) for s in args.sizes.split(",")):
        top_up(size, rng)
        connection.close()  # the child opens its own
        plain, traced = run_child("plain", args.database_url), run_child("traced", args.database_url)
        results.append((plain, traced))
        print(
            f"{plain['rows']:>9,} complaints: export {plain['seconds']:.2f} s, {plain['bytes'] / 2**20:.1f} MB xlsx, "
            f"RSS {plain['rss_before_mb']:.0f} MB before, peak {plain['rss_peak_mb']:.0f} MB during the export, "
            f"tracemalloc peak {traced['tracemalloc_peak_mb']:.1f} MB ({traced['seconds']:.1f} s traced)",
            flush=True,
        )
    print(f"\n{connection.vendor}: rows | seconds | xlsx MB | RSS before → peak MB | tracemalloc peak MB")
    for plain, traced in results:
        print(
            f"{plain['rows']:,} | {plain['seconds']:.2f} | {plain['bytes'] / 2**20:.1f} | "
            f"{plain['rss_before_mb']:.0f} → {plain['rss_peak_mb']:.0f} | "
            f"{traced['tracemalloc_peak_mb']:.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
