"""Demo work orders: drafts spread over the last 90 days, numbered per site and local day, then played forward."""

from __future__ import annotations

import random
import zoneinfo
from collections import defaultdict
from datetime import datetime, timedelta

from kefu.tickets.models import WorkOrder, WorkOrderEvent, WorkOrderSequence

from . import content as C
from . import texts as T
from .histories import Draft, Staffing, play

DAYS = 90
SITE_SHARE = {"SC": 0.47, "WY": 0.37, "DS": 0.16}
TYPE_WEIGHTS = {
    "mall": {"inquiry": 30, "complaint": 13, "suggestion": 6, "repair": 14, "after_sales": 8,
             "special_service": 7, "lost_found": 12, "other": 10},
    "property": {"inquiry": 22, "complaint": 14, "suggestion": 6, "repair": 34, "after_sales": 0,
                 "special_service": 12, "lost_found": 5, "other": 7},
    "online": {"inquiry": 38, "complaint": 14, "suggestion": 5, "repair": 0, "after_sales": 33,
               "special_service": 0, "lost_found": 0, "other": 10},
}  # fmt: skip
CHANNEL_WEIGHTS = {
    "mall": {"phone": 40, "walk_in": 38, "online": 6, "email": 2, "social": 8, "web_form": 4, "letter": 2},
    "property": {"phone": 45, "walk_in": 25, "online": 4, "email": 3, "social": 15, "web_form": 7, "letter": 1},
    "online": {"phone": 20, "walk_in": 0, "online": 55, "email": 10, "social": 10, "web_form": 5, "letter": 0},
}
# Busy hours differ: the mall fills up in the evening, the estate calls in the morning, the web shop never sleeps.
HOUR_WEIGHTS = {
    "mall": [0] * 9 + [2, 5, 6, 6, 5, 5, 6, 6, 6, 7, 8, 7, 5, 1, 0],
    "property": [0] * 7 + [2, 8, 9, 8, 6, 5, 6, 6, 6, 5, 4, 3, 2, 1, 0, 0, 0],
    "online": [1, 1, 0, 0, 0, 0, 0, 1, 2, 4, 5, 5, 4, 5, 5, 5, 4, 4, 4, 5, 7, 8, 6, 3],
}
PRIORITY_WEIGHTS = {1: 3, 2: 15, 3: 72, 4: 10}


def _pick(rng: random.Random, weights: dict):
    keys = [k for k, w in weights.items() if w]
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _created_at(rng: random.Random, site, now: datetime) -> datetime:
    tz = zoneinfo.ZoneInfo(site.time_zone)
    local_now = now.astimezone(tz)
    while True:
        day = (local_now - timedelta(days=rng.randrange(DAYS))).date()
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS[site.kind])[0]
        local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=tz)
        at = local.astimezone(zoneinfo.ZoneInfo("UTC"))
        if at < now - timedelta(minutes=5):
            return at


def _draft(rng, site, now, customers, shops, units) -> Draft:
    kind = site.kind
    type_ = _pick(rng, TYPE_WEIGHTS[kind])
    template = rng.choice([t for t in T.ORDER_TEMPLATES[type_] if kind in t["kinds"]])
    channel = rng.choice(template["channels"]) if "channels" in template else _pick(rng, CHANNEL_WEIGHTS[kind])
    priority = 1 if template.get("urgent") else _pick(rng, PRIORITY_WEIGHTS)
    customer = None
    if not (type_ == "inquiry" and rng.random() < 0.2):  # anonymous inquiries are allowed
        # A few regulars call far more often than the rest.
        regulars = customers[: max(1, len(customers) // 10)]
        customer = rng.choice(regulars if rng.random() < 0.25 else customers)
    shop = rng.choice(shops) if shops and "{shop}" in template["description"] + template["resolution"] else None
    unit = ""
    if kind == "property":
        unit = units.get(customer.pk) if customer is not None else ""
        unit = unit or _random_unit(rng)
    place = rng.choice(C.PROPERTY_PLACES if kind == "property" else C.MALL_PLACES)
    product = ""
    if "{product}" in template["description"]:
        product = rng.choice(C.ONLINE_PRODUCTS if kind == "online" else C.MALL_PRODUCTS)
    values = {
        "place": place,
        "shop": shop.name if shop else "",
        "unit": unit,
        "product": product,
        "amount": rng.choice((50, 80, 100, 120, 150, 180, 260)),
        "street": f"上海市浦东新区{rng.choice(C.STREETS)} {rng.randint(1, 999)} 号",
    }
    uses_place = "{place}" in template["description"]
    return Draft(
        site=site,
        type=type_,
        channel=channel,
        priority=priority,
        template=template,
        created_at=_created_at(rng, site, now),
        customer_id=customer.pk if customer else None,
        subject=template["subject"].format(**values),
        description=template["description"].format(**values),
        resolution=template["resolution"].format(**values),
        shop_id=shop.pk if shop else None,
        floor=shop.floor if shop else "",
        unit=unit if "{unit}" in template["description"] else "",
        location=place if uses_place else "",
        product=product,
    )


def _random_unit(rng):
    return f"{rng.choice(C.BUILDINGS)}{rng.randint(1, 3)} 单元 {rng.randint(2, 28)}{rng.randint(1, 4):02d} 室"


def create_work_orders(
    *, sites, staffing: dict[str, Staffing], customers_by_site, shops_by_site, units, total: int, rng, now
) -> tuple[int, int]:
    """Create `total` orders with their histories; returns (orders, events)."""
    codes = list(SITE_SHARE)
    drafts = []
    for _ in range(total):
        site = sites[rng.choices(codes, weights=[SITE_SHARE[c] for c in codes])[0]]
        drafts.append(_draft(rng, site, now, customers_by_site[site.code], shops_by_site.get(site.code), units))
    drafts.sort(key=lambda d: d.created_at)

    counters: dict[tuple, int] = defaultdict(int)
    orders, lives = [], []
    for d in drafts:
        tz = zoneinfo.ZoneInfo(d.site.time_zone)
        day = d.created_at.astimezone(tz).date()
        counters[d.site.pk, day] += 1
        number = f"{d.site.code}-{day:%Y%m%d}-{counters[d.site.pk, day]:04d}"
        life = play(d, staffing[d.site.code], rng, now)
        life.events[0][4]["number"] = number
        lives.append(life)
        orders.append(
            WorkOrder(
                site=d.site,
                number=number,
                type=d.type,
                channel=d.channel,
                priority=life.priority,
                status=life.status,
                customer_id=d.customer_id,
                subject=d.subject,
                description=d.description,
                shop_id=d.shop_id,
                floor=d.floor,
                unit=d.unit,
                location=d.location,
                product=d.product,
                assignee_id=life.assignee_id,
                department_id=life.department_id,
                created_by_id=life.created_by_id,
                created_at=d.created_at,
                updated_at=life.updated_at,
                accepted_at=life.accepted_at,
                first_replied_at=life.first_replied_at,
                resolved_at=life.resolved_at,
                closed_at=life.closed_at,
                resolution=life.resolution,
                version=life.version,
            )
        )
    WorkOrder.objects.bulk_create(orders, batch_size=500)
    events = [
        WorkOrderEvent(work_order=order, event_type=t, actor_id=actor, created_at=at, old=old, new=new, note=note)
        for order, life in zip(orders, lives, strict=True)
        for t, actor, at, old, new, note in life.events
    ]
    WorkOrderEvent.objects.bulk_create(events, batch_size=1000)
    WorkOrderSequence.objects.bulk_create(
        [WorkOrderSequence(site_id=site_id, day=day, last_value=n) for (site_id, day), n in counters.items()],
        batch_size=500,
    )
    return len(orders), len(events)
