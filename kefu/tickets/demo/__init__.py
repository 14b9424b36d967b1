"""Demo data (演示数据): a mall, a property project and a web shop with staff, customers and work orders.

`load_demo()` is deterministic (seeded) relative to `now`, runs in one transaction, and is idempotent: when
the demo sites exist it writes nothing. The bench loader builds on the same sites, staff and customers.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Role, Site
from kefu.core import hooks

from . import content, people
from .histories import Staffing
from .orders import create_work_orders

SEED = 20261123
SITE_CODES = tuple(spec["code"] for spec in content.SITES)


class DemoConflict(Exception):
    """Some, not all, demo sites exist: refuse rather than mix demo rows into real data."""


@dataclass
class Summary:
    created: bool
    logins: list = field(default_factory=list)  # (username, name, role, title, sites, new?)
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0


def demo_present() -> bool:
    present = set(Site.objects.filter(code__in=SITE_CODES).values_list("code", flat=True))
    if present and present != set(SITE_CODES):
        raise DemoConflict(f"站点 {', '.join(sorted(present))} 已存在,但演示数据不完整;请使用空数据库加载演示数据。")
    return bool(present)


def staffing_for(sites, departments, users) -> dict[str, Staffing]:
    """Per site: who sits at the desk, who supervises, who works in which department."""
    out = {}
    for code in sites:
        members = [
            (username, role, codes, depts)
            for username, _n, role, _t, codes, depts, _e in people.STAFF
            if code in codes and role != Role.ADMIN
        ]
        desk = [users[u] for u, role, _c, _d in members if role == Role.AGENT]
        technicians: dict[str, list] = {}
        for u, role, _c, depts in members:
            if role == Role.TECHNICIAN:
                for d in depts:
                    technicians.setdefault(d, []).append(users[u])
        out[code] = Staffing(
            desk=desk,
            front_desk=[users[u] for u, _r, _c, _d in members if u in people.FRONT_DESK],
            supervisors=[users[u] for u, role, _c, _d in members if role in (Role.SUPERVISOR, Role.MANAGER)],
            departments={name: departments[code, name] for name in content.DEPARTMENTS},
            technicians=technicians,
        )
    return out


def login_table() -> list:
    from kefu.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in people.STAFF])}
    return [
        (username, users[username].display_name, role, title, "/".join(codes), None)
        for username, _n, role, title, codes, _d, _e in people.STAFF
        if username in users
    ]


def load_demo(*, orders: int = 3000, customers: int = 300, now=None, seed: int = SEED) -> Summary:
    started = time.monotonic()
    if demo_present():
        return Summary(created=False, logins=login_table())
    now = now or timezone.now()
    rng = random.Random(seed)
    phones: set[str] = set()
    with transaction.atomic():
        sites = people.create_sites()
        departments = people.create_departments(sites)
        shops = {"SC": people.create_shops(sites["SC"], rng, phones)}
        users, logins = people.create_staff(sites, departments, rng, phones)
        people.attach_shop_staff(users, shops["SC"][0])
        staffing = staffing_for(sites, departments, users)
        rows, units = people.create_customers(
            sites, {code: s.desk for code, s in staffing.items()}, customers, rng, phones, now
        )
        by_site: dict[str, list] = {code: [] for code in sites}
        for c in rows:
            by_site[c.site.code].append(c)
        unit_of = {c.pk: u for c, u in zip(rows, units, strict=True) if u}
        n_orders, n_events = create_work_orders(
            sites=sites,
            staffing=staffing,
            customers_by_site=by_site,
            shops_by_site=shops,
            units=unit_of,
            total=orders,
            rng=rng,
            now=now,
        )
        # Higher apps add their own demo records (complaint proposals, repair sheets, follow-ups …) in the
        # same transaction, so a half-loaded demo never exists.
        hooks.fire(hooks.DEMO_DATA_LOADED, sites=sites, users=users, rng=rng, now=now)
    return Summary(
        created=True,
        logins=logins,
        counts={
            "sites": len(sites),
            "departments": len(departments),
            "shops": sum(len(s) for s in shops.values()),
            "staff": len(users),
            "customers": len(rows),
            "work_orders": n_orders,
            "events": n_events,
        },
        seconds=time.monotonic() - started,
    )
