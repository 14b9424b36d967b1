#!/usr/bin/env python
"""Load N work orders fast, with consistent short histories, on top of the demo sites, staff and customers.

    KEFU_VAR_DIR=/tmp/kefu-bench .venv/bin/python bench/load_orders.py 100000 [--database-url URL]

Orders are placed *before* everything already in the database (each run extends history further back), so
numbers stay gap-free per site and day and never collide with the demo's or live ones. Texts come from the
demo generator (a pool of drafts reused with fresh customers), statuses follow a mature center's mix (mostly
closed, a few per cent open), and each status has the event path the services would have written.

Writes go around the ORM: SQLite gets executemany in one transaction with relaxed PRAGMAs, PostgreSQL gets
COPY. Event rows are inserted (the append-only triggers only refuse UPDATE/DELETE).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import zoneinfo
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Closed orders dominate a center that has run for years; the open share is what a queue shows.
STATUS_MIX = {
    "closed": 880,
    "cancelled": 30,
    "resolved": 30,
    "in_progress": 25,
    "awaiting_customer": 10,
    "accepted": 15,
    "new": 10,
}
ORDERS_PER_DAY = 1500  # across all sites; sets how far back N orders reach
BATCH = 20_000


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("n", type=int, help="work orders to add")
    p.add_argument("--database-url", help="overrides DATABASE_URL")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-analyze", action="store_true", help="skip ANALYZE after loading")
    return p.parse_args(argv)


def setup(database_url):
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


class Paths:
    """Per final status: the event types in order, the gap (seconds) before each, and payloads."""

    def __init__(self, engineering_by_site):
        self.eng = engineering_by_site

    @staticmethod
    def steps(status, rng):
        base = [("status_accept", rng.randint(0, 1800), "new", "accepted")]
        if status == "new":
            return []
        if status == "accepted":
            return base
        if status == "cancelled":
            return [*base, ("status_cancel", rng.randint(600, 7200), "accepted", "cancelled")]
        base.append(("status_start", rng.randint(60, 10800), "accepted", "in_progress"))
        if status == "in_progress":
            return base
        if status == "awaiting_customer":
            return [*base, ("status_wait_customer", rng.randint(1800, 28800), "in_progress", "awaiting_customer")]
        base.append(("status_resolve", rng.randint(1800, 172800), "in_progress", "resolved"))
        if status == "resolved":
            return base
        return [*base, ("replied", rng.randint(600, 86400), None, None), ("status_close", 0, "resolved", "closed")]


def main(argv=None) -> int:
    args = parse_args(argv)
    setup(args.database_url)

    from django.db import connection, transaction

    from kefu.accounts.models import Department, Site, User
    from kefu.customers.models import Customer
    from kefu.tickets.demo import demo_present, load_demo, people, staffing_for
    from kefu.tickets.demo import orders as demo_orders
    from kefu.tickets.models import WorkOrder, WorkOrderEvent

    started = time.monotonic()
    if not demo_present():
        print("demo data missing: running load_demo first", flush=True)
        load_demo()
    sites = {s.code: s for s in Site.objects.filter(code__in=[c["code"] for c in demo_orders.C.SITES])}
    departments = {(d.site.code, d.name): d for d in Department.objects.select_related("site")}
    users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in people.STAFF])}
    staffing = staffing_for(sites, departments, users)
    customers = {code: list(Customer.objects.filter(site=site).order_by("id")) for code, site in sites.items()}
    shops = {"SC": list(sites["SC"].shops.order_by("number"))}
    rng = random.Random(args.seed)
    now = datetime.now(UTC)

    # A pool of realistic drafts (type, texts, channel, location) per site, reused with random customers.
    pool = {
        code: [demo_orders._draft(rng, site, now, customers[code], shops.get(code), {}) for _ in range(400)]
        for code, site in sites.items()
    }
    earliest = WorkOrder.objects.order_by("created_at").values_list("created_at", flat=True).first() or now
    tz = zoneinfo.ZoneInfo(sites["SC"].time_zone)
    end_day = earliest.astimezone(tz).date() - timedelta(days=1)
    days = max(1, -(-args.n // ORDERS_PER_DAY))
    start_day = end_day - timedelta(days=days - 1)

    vendor = connection.vendor
    from django.db.models import NOT_PROVIDED

    def insert_fields(model, known):
        # Columns with a database default that this script does not fill are left to the database.
        return [
            f
            for f in model._meta.concrete_fields
            if f.attname in known or f.primary_key or f.db_default is NOT_PROVIDED
        ]

    suffix = "" if vendor == "sqlite" else "+00"
    day_prefix: dict[int, str] = {}

    def ts(epoch: float) -> str:
        """UTC text as Django writes it on SQLite; PostgreSQL gets an explicit offset. strftime per row is slow."""
        day, sec = divmod(int(epoch), 86400)
        prefix = day_prefix.get(day)
        if prefix is None:
            prefix = day_prefix[day] = datetime.fromtimestamp(day * 86400, UTC).strftime("%Y-%m-%d ")
        h, rest = divmod(sec, 3600)
        return f"{prefix}{h:02d}:{rest // 60:02d}:{rest % 60:02d}{suffix}"

    def constants(fields, known):
        """Defaults for columns this script does not fill (other apps may add some)."""
        out = {}
        for f in fields:
            if f.attname in known or f.primary_key:
                continue
            value = f.get_default()
            out[f.attname] = f.get_db_prep_save(value, connection) if value is not None else None
        return out

    wo_known = {
        "site_id", "number", "type", "channel", "priority", "status", "customer_id", "subject", "description",
        "shop_id", "floor", "unit", "location", "product", "assignee_id", "department_id", "created_by_id",
        "created_at", "updated_at", "accepted_at", "first_replied_at", "resolved_at", "closed_at", "resolution",
        "version", "staff_involved",
    }  # fmt: skip
    ev_known = {"work_order_id", "event_type", "actor_id", "created_at", "old", "new", "note"}
    wo_fields, ev_fields = insert_fields(WorkOrder, wo_known), insert_fields(WorkOrderEvent, ev_known)
    wo_cols = [f.column for f in wo_fields]
    ev_cols = [f.column for f in ev_fields]
    wo_const = constants(wo_fields, wo_known)
    ev_const = constants(ev_fields, ev_known)

    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {WorkOrder._meta.db_table}")
        next_wo = cur.fetchone()[0] + 1
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {WorkOrderEvent._meta.db_table}")
        next_ev = cur.fetchone()[0] + 1

    # Lookup tables instead of rng.choices per row (the hot loop runs millions of times).
    status_table = [s for s, w in STATUS_MIX.items() for _ in range(w)]
    site_table = [c for c, share in demo_orders.SITE_SHARE.items() for _ in range(round(share * 100))]
    resolve_json = {}
    local_day_of: dict[int, object] = {}
    status_json = {s: json.dumps({"status": s}) for s in STATUS_MIX}
    counters: dict = defaultdict(int)
    total_events = 0

    def generate():
        """Yield (order rows, event rows) batches in time order: ids and numbers grow with created_at."""
        nonlocal next_wo, next_ev, total_events
        wo_rows, ev_rows = [], []
        day_start = datetime(start_day.year, start_day.month, start_day.day, tzinfo=tz).timestamp()
        span = days * 86400
        for i in range(args.n):
            created = day_start + span * (i + rng.random()) / args.n
            code = site_table[int(rng.random() * len(site_table))]
            site, staff = sites[code], staffing[code]
            d = rng.choice(pool[code])
            status = status_table[int(rng.random() * len(status_table))]
            hour = int(created) // 3600
            local_day = local_day_of.get(hour)
            if local_day is None:
                local_day = local_day_of[hour] = datetime.fromtimestamp(hour * 3600, tz).date()
            counters[site.pk, local_day] += 1
            number = f"{code}-{local_day:%Y%m%d}-{counters[site.pk, local_day]:04d}"
            customer = rng.choice(customers[code]).pk if d.customer_id or rng.random() < 0.5 else None
            if customer is None and d.type != "inquiry":
                customer = rng.choice(customers[code]).pk
            creator = rng.choice(staff.desk).pk
            techs = staff.technicians.get("工程部", [])
            worker = rng.choice(techs).pk if techs and d.type == "repair" else creator
            service_center = staff.departments["客服中心"].pk
            department = staff.departments["工程部"].pk if worker != creator else service_center
            wo_id = next_wo
            next_wo += 1
            t = created
            # Same keys as create_work_order writes; every value is ASCII or a number, so no json.dumps needed.
            created_new = (
                f'{{"number": "{number}", "type": "{d.type}", "channel": "{d.channel}", "priority": {d.priority}, '
                f'"customer": {customer or "null"}, "assignee": null, "department": {service_center}}}'
            )
            events = [("created", creator, t, None, created_new, "")]
            accepted_at = first_replied_at = resolved_at = closed_at = None
            for event_type, gap, old, new in Paths.steps(status, rng):
                t += gap
                if event_type == "replied":
                    first_replied_at = t
                    events.append(("replied", creator, t, None, None, "已电话告知客户处理结果,客户表示满意。"))
                    continue
                actor = creator if event_type in ("status_accept", "status_close", "status_cancel") else worker
                new_json = status_json[new]
                if event_type == "status_accept":
                    accepted_at = t
                elif event_type == "status_resolve":
                    resolved_at = t
                    new_json = resolve_json.get(d.resolution)
                    if new_json is None:
                        new_json = resolve_json[d.resolution] = json.dumps(
                            {"status": new, "resolution": d.resolution}, ensure_ascii=False
                        )
                elif event_type == "status_close":
                    closed_at = t
                note = "客户表示问题已自行解决,申请撤销。" if event_type == "status_cancel" else ""
                events.append((event_type, actor, t, status_json[old], new_json, note))
            row = {
                "site_id": site.pk, "number": number, "type": d.type, "channel": d.channel,
                "priority": d.priority, "status": status, "customer_id": customer, "subject": d.subject,
                "description": d.description, "shop_id": d.shop_id, "floor": d.floor, "unit": d.unit,
                "location": d.location, "product": d.product, "staff_involved": "",
                "assignee_id": None if status == "new" else worker, "department_id": department,
                "created_by_id": creator, "created_at": ts(created), "updated_at": ts(t),
                "accepted_at": accepted_at and ts(accepted_at),
                "first_replied_at": first_replied_at and ts(first_replied_at),
                "resolved_at": resolved_at and ts(resolved_at), "closed_at": closed_at and ts(closed_at),
                "resolution": d.resolution if resolved_at else "", "version": len(events) - (status == "closed"),
                **wo_const, "id": wo_id,
            }  # fmt: skip
            wo_rows.append(tuple(row[f.attname] for f in wo_fields))
            for event_type, actor, at, old, new, note in events:
                ev = {
                    "id": next_ev, "work_order_id": wo_id, "event_type": event_type, "actor_id": actor,
                    "created_at": ts(at), "old": old, "new": new, "note": note, **ev_const,
                }  # fmt: skip
                next_ev += 1
                ev_rows.append(tuple(ev[f.attname] for f in ev_fields))
            if len(wo_rows) >= BATCH:
                total_events += len(ev_rows)
                yield wo_rows, ev_rows
                wo_rows, ev_rows = [], []
        if wo_rows:
            total_events += len(ev_rows)
            yield wo_rows, ev_rows

    wo_table, ev_table = WorkOrder._meta.db_table, WorkOrderEvent._meta.db_table
    print(
        f"loading {args.n:,} work orders into {vendor} ({start_day} .. {end_day}, {days} days)",
        flush=True,
    )
    load_started = time.monotonic()
    done = 0
    if vendor == "sqlite":
        with connection.cursor() as cur:
            # Safe for a bench load in one transaction: a crash loses the whole load, never half of it.
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-512000")
    with transaction.atomic(), connection.cursor() as cur:
        # Secondary indexes are dropped and rebuilt from their own definitions: building an index once by sorting
        # is far cheaper than updating it per row. DDL is transactional on both databases, so a failed load leaves
        # every index in place.
        # Only worth it when the load at least doubles the table (rebuild cost grows with the whole table).
        indexes = _secondary_indexes(cur, vendor, [wo_table, ev_table]) if args.n >= next_wo else []
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        if vendor == "sqlite":
            marks = ", ".join(["%s"] * len(wo_cols))
            wo_sql = f"INSERT INTO {wo_table} ({', '.join(wo_cols)}) VALUES ({marks})"
            ev_sql = f"INSERT INTO {ev_table} ({', '.join(ev_cols)}) VALUES ({', '.join(['%s'] * len(ev_cols))})"
            for wo_rows, ev_rows in generate():
                cur.executemany(wo_sql, wo_rows)
                cur.executemany(ev_sql, ev_rows)
                done += len(wo_rows)
                _progress(done, args.n, load_started)
        else:
            for wo_rows, ev_rows in generate():
                with cur.copy(f"COPY {wo_table} ({', '.join(wo_cols)}) FROM STDIN") as copy:
                    for r in wo_rows:
                        copy.write_row(r)
                with cur.copy(f"COPY {ev_table} ({', '.join(ev_cols)}) FROM STDIN") as copy:
                    for r in ev_rows:
                        copy.write_row(r)
                done += len(wo_rows)
                _progress(done, args.n, load_started)
            for table in (wo_table, ev_table):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        index_started = time.monotonic()
        if vendor != "sqlite" and indexes:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks must run before CREATE INDEX
            cur.execute("SET LOCAL maintenance_work_mem = '512MB'")  # sort each index in memory
        for _name, sql in indexes:
            cur.execute(sql)
        if indexes:
            print(f"  rebuilt {len(indexes)} indexes in {time.monotonic() - index_started:.1f} s", flush=True)
        # Keep the numbering counters in step, so a live create on one of these days would continue correctly.
        cur.executemany(
            "INSERT INTO tickets_workordersequence (site_id, day, last_value) VALUES (%s, %s, %s) "
            "ON CONFLICT (site_id, day) DO UPDATE SET last_value = excluded.last_value",
            [(site_id, day.isoformat(), n) for (site_id, day), n in counters.items()],
        )
    load_seconds = time.monotonic() - load_started
    if not args.no_analyze:
        with connection.cursor() as cur:
            # Planner statistics as a settled database has them; on PostgreSQL VACUUM also sets the visibility map,
            # without which a freshly copied table gets no index-only scans (autovacuum would do it later anyway).
            cur.execute("ANALYZE" if vendor == "sqlite" else f"VACUUM ANALYZE {wo_table}, {ev_table}")
    rows = args.n + total_events
    print(
        f"loaded {args.n:,} work orders and {total_events:,} events in {load_seconds:.1f} s "
        f"({args.n / load_seconds:,.0f} orders/s, {rows / load_seconds:,.0f} rows/s); "
        f"total {time.monotonic() - started:.1f} s with set-up and ANALYZE",
        flush=True,
    )
    return 0


def _secondary_indexes(cur, vendor, tables) -> list[tuple[str, str]]:
    """(name, CREATE statement) of every non-unique index on `tables`; unique ones stay and keep checking."""
    out = []
    for table in tables:
        if vendor == "sqlite":
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
                "AND sql NOT LIKE 'CREATE UNIQUE%%'",
                [table],
            )
        else:
            cur.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary",
                [table],
            )
        out += cur.fetchall()
    return out


def _progress(done, total, started):
    if done % 100_000 == 0 or done == total:
        rate = done / max(time.monotonic() - started, 1e-9)
        print(f"  {done:>10,} / {total:,}  ({rate:,.0f} orders/s)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
