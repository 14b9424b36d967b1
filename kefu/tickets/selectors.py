"""Reads of work orders, always scoped by the actor: another site's order is simply not there (404)."""

from __future__ import annotations

import base64
import functools
import json
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kefu.accounts.models import User
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import department_ids_for, site_ids_for, sites_for
from kefu.core.errors import not_found
from kefu.core.prepared import PreparedRead

from .models import Attachment, WorkOrder, WorkOrderEvent
from .transitions import OPEN_STATUSES, Action, Status, allowed_actions, is_open

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
COUNT_CAP = 1_000  # beyond this the queue shows "1000+": counting further would scan up to millions of index rows

# sort key -> (field, descending); id is always the tie-breaker, so every sort is a keyset over an index.
SORTS = {
    "-created": ("id", True),
    "created": ("id", False),
    "priority": ("priority", False),
    "-updated": ("updated_at", True),
    # Nearest deadline first; orders without one (due_at NULL) come last, newest first among them.
    "due": ("due_at", False),
}
# Sort fields that may be NULL: they sort NULLS LAST and their cursor may point into the NULL section.
NULLABLE_SORT_FIELDS = frozenset({"due_at"})
DATETIME_SORT_FIELDS = frozenset({"updated_at", "due_at"})
FILTER_FIELDS = ("status", "type", "channel", "priority", "site", "department", "assignee", "customer", "sla_state")
SLA_STATES = ("on_track", "at_risk", "breached")


def work_orders_for(actor) -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.filter(site_id__in=site_ids_for(actor))
    if not has_capability(actor, Capability.VIEW_ALL_SITE_ORDERS):
        qs = qs.filter(Q(assignee_id=actor.id) | Q(department_id__in=department_ids_for(actor)))
    return qs


def may_see_order(actor, order: WorkOrder) -> bool:
    """work_orders_for's rule for one order in hand."""
    if order.site_id not in site_ids_for(actor):
        return False
    if has_capability(actor, Capability.VIEW_ALL_SITE_ORDERS):
        return True
    return order.assignee_id == actor.id or order.department_id in department_ids_for(actor)


def works_on(actor, order: WorkOrder) -> bool:
    """Desk roles work any order of their sites; department staff only what was sent to them or their department."""
    if has_capability(actor, Capability.WORK_ALL_SITE_ORDERS):
        return True
    return order.assignee_id == actor.id or order.department_id in department_ids_for(actor)


# Status actions guarded by a capability alone (as in services); the others need works_on().
_ACTION_CAPABILITY = {
    Action.CLOSE: Capability.CLOSE_WORK_ORDER,
    Action.REOPEN: Capability.REOPEN_WORK_ORDER,
    Action.CANCEL: Capability.CANCEL_WORK_ORDER,
}


def available_actions(actor, order: WorkOrder) -> list[str]:
    """The actions the UI offers on an order: the status machine's, filtered by the same guards the services apply.

    Names are the status actions' values plus assign, transfer, reply, note, priority and attach.
    """
    works = works_on(actor, order)
    names = [
        a.value
        for a in allowed_actions(order.status)
        if (has_capability(actor, _ACTION_CAPABILITY[a]) if a in _ACTION_CAPABILITY else works)
    ]
    if is_open(order.status):
        if has_capability(actor, Capability.ASSIGN_WORK_ORDER):
            names.append("assign")
        if works:
            names += ["transfer", "priority"]
    if works:
        if order.status != Status.CANCELLED and has_capability(actor, Capability.REPLY_TO_CUSTOMER):
            names.append("reply")
        names += ["note", "attach"]
    return names


_ORDER_BY_ID = PreparedRead(
    lambda pk: WorkOrder.objects.filter(pk=pk).select_related("site", "customer", "shop", "department")[:1],
    reuse_plan=True,
)
_STAFF_BY_ID = (
    PreparedRead(lambda a: User.objects.filter(pk=a)),
    PreparedRead(lambda a, b: User.objects.filter(pk__in=[a, b])),
)


def get_work_order_for(actor, key) -> WorkOrder:
    """By id or by number; not found and not permitted look the same. By id (every page and API call on an order)
    the row is read by a prepared read and the actor's scope checked on it (may_see_order)."""
    try:
        if isinstance(key, str) and not key.isdigit():
            order = work_orders_for(actor).select_related("site", "customer", "shop", "department").get(number=key)
        else:
            rows = _ORDER_BY_ID(int(key))
            if not rows or not may_see_order(actor, rows[0]):
                raise WorkOrder.DoesNotExist
            order = rows[0]
    except (WorkOrder.DoesNotExist, TypeError, ValueError):
        raise not_found() from None
    # The two staff rows come in a second query: with them joined too, PostgreSQL spent longer planning the
    # seven-table join (~1.5 ms) than the extra round trip costs. The actor's own row is already in hand.
    people = {actor.pk: actor} if isinstance(actor, User) else {}
    missing = {order.assignee_id, order.created_by_id} - {None} - people.keys()
    if missing:
        people.update((u.pk, u) for u in _STAFF_BY_ID[len(missing) - 1](*missing))
    order.assignee, order.created_by = people.get(order.assignee_id), people[order.created_by_id]
    return order


@dataclass
class QueuePage:
    rows: list[WorkOrder]
    next_cursor: str | None
    total: int
    total_capped: bool
    filters: dict = field(default_factory=dict)
    sort: str = "-created"


def _encode_cursor(values: list) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


_CURSOR_INT_MAX = 2**53


def _decode_cursor(cursor: str, sort_field: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, last_id = json.loads(raw)
        if value is None and sort_field in NULLABLE_SORT_FIELDS:
            pass
        elif sort_field in DATETIME_SORT_FIELDS:
            value = datetime.fromisoformat(value)
            if timezone.is_naive(value):
                raise ValueError
        elif not isinstance(value, int) or abs(value) > _CURSOR_INT_MAX:
            raise ValueError
        last_id = int(last_id)
        # A forged cursor must not reach the database with an integer it cannot hold (SQLite raises OverflowError).
        if abs(last_id) > _CURSOR_INT_MAX:
            raise ValueError
        return value, last_id
    except (ValueError, TypeError, OverflowError, json.JSONDecodeError):
        return None


def clean_filters(params) -> dict:
    """Keep only known filters with plausible values; multi-valued params become lists."""
    out = {}
    for name in FILTER_FIELDS:
        values = [v for v in (params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]) if v]
        if not values:
            continue
        if name in ("priority", "site", "department", "assignee", "customer"):
            try:
                values = [int(v) for v in values]
            except (TypeError, ValueError):
                continue
        elif name == "sla_state":
            values = [v for v in values if v in SLA_STATES]
            if not values:
                continue
        out[name] = values
    open_only = params.get("open")
    if open_only in ("1", "true", True):
        out["open"] = True
    return out


def _apply_filters(qs, filters: dict):
    for name, values in filters.items():
        if name == "open":
            qs = qs.filter(status__in=OPEN_STATUSES)
            continue
        column = f"{name}_id" if name in ("site", "department", "assignee", "customer") else name
        qs = qs.filter(**{column: values[0]} if len(values) == 1 else {f"{column}__in": values})
    return qs


def queue_for(
    actor,
    *,
    scope: str = "team",
    filters: dict | None = None,
    sort: str = "-created",
    cursor: str | None = None,
    page_size: int = PAGE_SIZE,
    related: tuple[str, ...] | None = None,
) -> QueuePage:
    """One page of the queue: 'mine' = assigned to me, 'team' = everything I may see, 'department' = my departments.

    `related`: the relations the caller shows (default QUEUE_RELATED); the HTML table needs fewer than the API."""
    filters = filters or {}
    sort = sort if sort in SORTS else "-created"
    page_size = max(1, min(int(page_size or PAGE_SIZE), MAX_PAGE_SIZE))
    qs = work_orders_for(actor)
    if scope == "mine":
        qs = qs.filter(assignee_id=actor.id)
    elif scope == "department":
        qs = qs.filter(department_id__in=department_ids_for(actor))
    qs = _apply_filters(qs, filters)
    counted = qs

    sort_field, desc = SORTS[sort]
    decoded = _decode_cursor(cursor, sort_field) if cursor else None
    if sort_field in NULLABLE_SORT_FIELDS:
        rows = _nullable_rows(qs, sort_field, decoded, page_size + 1, filters, actor, related)
    else:
        rows = _ordered_rows(qs, sort_field, desc, decoded, page_size + 1, filters, actor, related)
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = _encode_cursor([getattr(last, sort_field), last.id])
    # One query for every site: `site IN (…)` walks the same covering index per site, and capped at
    # COUNT_CAP + 1 the total shown (and whether it is capped) is what per-site counts would add up to.
    total = counted.order_by().values("id")[: COUNT_CAP + 1].count()
    return QueuePage(
        rows=rows,
        next_cursor=next_cursor,
        total=min(total, COUNT_CAP),
        total_capped=total > COUNT_CAP,
        filters=filters,
        sort=sort,
    )


def _ordered_rows(qs, sort_field, desc, decoded, limit, filters, actor, related=None) -> list[WorkOrder]:
    if decoded:
        value, last_id = decoded
        if sort_field == "id":
            qs = qs.filter(id__lt=last_id) if desc else qs.filter(id__gt=last_id)
        elif desc:
            qs = qs.filter(Q(**{f"{sort_field}__lt": value}) | Q(**{sort_field: value, "id__lt": last_id}))
        else:
            qs = qs.filter(Q(**{f"{sort_field}__gt": value}) | Q(**{sort_field: value, "id__lt": last_id}))
    if sort_field == "id":
        order = ["-id"] if desc else ["id"]
    else:
        order = [f"-{sort_field}" if desc else sort_field, "-id"]
    return _page_rows(qs, order, sort_field, desc, limit, filters, actor, related)


def _nullable_rows(qs, sort_field, decoded, limit, filters, actor, related=None) -> list[WorkOrder]:
    """(field ASC NULLS LAST, id DESC) as two index walks: the dated rows, then the undated ones by id.

    One query with NULLS LAST over every status can use no index (SQLite sorted all of a site's rows: 0.7 s at
    100,000 orders); each section on its own is an index range."""
    value, last_id = decoded if decoded else (None, None)
    dated = None  # past the last dated row, a cursor continues among the undated ones only
    if not decoded or value is not None:
        dated = qs.filter(**{f"{sort_field}__isnull": False})
        if decoded:
            dated = dated.filter(Q(**{f"{sort_field}__gt": value}) | Q(**{sort_field: value, "id__lt": last_id}))
    undated = qs.filter(**{f"{sort_field}__isnull": True})
    if decoded and value is None:
        undated = undated.filter(id__lt=last_id)
    related = QUEUE_RELATED if related is None else related
    if len(_per_site(qs, filters, actor, sort_field)) > 1 or _key_reads_reuse_plans():
        # Split (or on PostgreSQL, see _page_rows): both sections' ids first (sort keys only), then the page's
        # rows in one query, not one each.
        keys = []
        if dated is not None:
            keys = _split_keys(dated, [sort_field, "-id"], sort_field, False, limit, filters, actor)
        if len(keys) < limit:
            undated_ids = _split_keys(undated, ["-id"], "id", True, limit - len(keys), filters, actor)
            keys += [(None, order_id) for _, order_id in undated_ids]
        rows = _fetch_page(keys, sort_field, actor, related)
        if rows is not None:
            return rows
    # One site (SQLite), or a row changed between the reads: each section read whole, in SQL order.
    rows: list[WorkOrder] = []
    if dated is not None:
        rows = _page_rows(dated, [sort_field, "-id"], sort_field, False, limit, filters, actor, related, split=False)
    if len(rows) < limit:
        rows += _page_rows(undated, ["-id"], "id", True, limit - len(rows), filters, actor, related, split=False)
    return rows


MAX_SITE_SPLIT = 12


def _key_reads_reuse_plans() -> bool:
    """Whether a read by ids marked reuse_plan runs on a cached plan here (kefu.core.postgresql)."""
    return getattr(connection, "key_reads_reuse_plans", False)


def _per_site(qs, filters: dict, actor, sort_field: str = "id") -> list:
    """A multi-site queue as one query per site. With `site IN (…)` SQLite cannot walk an index in the page's
    order and sorts every matching row; PostgreSQL walks the primary key backwards and filters (5,644 rows
    read for 26 at 100,000 orders, status+type) or cannot use an index at all for NULLS LAST deadlines (218 ms
    against 43 ms split at 1M). Per site, each part is an index range; since the parts read only sort keys
    (see _page_rows), splitting is also the cheaper plan on PostgreSQL for id order (status filter: 19.6 → 4.6 ms
    of SQL at 100,000 orders)."""
    sites = filters.get("site") or site_ids_for(actor)
    if not 1 < len(sites) <= MAX_SITE_SPLIT:
        return [qs]
    return [qs.filter(site_id=site) for site in sorted(set(sites))]


def _merge_key(sort_field: str, desc: bool):
    """The Python twin of the SQL ORDER BY, to merge the per-site pages: keys are (sort value, id) pairs."""

    def key(pair):
        value, order_id = pair
        if sort_field == "id":
            return -value if desc else value
        if sort_field in NULLABLE_SORT_FIELDS:
            return (value is None, value.timestamp() if value else 0.0, -order_id)
        if sort_field in DATETIME_SORT_FIELDS:
            value = value.timestamp()
        return (-value if desc else value, -order_id)

    return key


QUEUE_RELATED = ("site", "customer", "assignee", "department", "shop")
# The columns a queue row shows (API row and table), per joined table: a page read every column of six tables,
# descriptions and resolutions included, and turning them into objects was most of the page's read.
QUEUE_COLUMNS = {
    "": (
        *("id", "site_id", "number", "version", "type", "channel", "priority", "status", "subject"),
        *("customer_id", "assignee_id", "department_id", "shop_id", "created_at", "updated_at", "due_at", "sla_state"),
    ),
    "site": ("id", "code", "name"),
    "customer": ("id", "name", "kind", "tier"),
    "assignee": ("id", "username", "display_name", "role"),
    "department": ("id", "name", "site_id"),
    "shop": ("id", "number", "name", "floor"),
}


def _queue_columns(qs, related):
    columns = [*QUEUE_COLUMNS[""], *(f"{name}__{column}" for name in related for column in QUEUE_COLUMNS[name])]
    return qs.select_related(*related).only(*columns)


def _split_keys(qs, order, sort_field, desc, limit, filters, actor, parts=None) -> list[tuple]:
    """The page's (sort value, id) pairs in order over the per-site parts (or the `parts` given), read as sort
    keys only (no model instances)."""
    parts = _per_site(qs, filters, actor, sort_field) if parts is None else parts
    if sort_field == "id":
        keys = [(i, i) for part in parts for i in part.order_by(*order).values_list("id", flat=True)[:limit]]
    else:
        keys = [pair for part in parts for pair in part.order_by(*order).values_list(sort_field, "id")[:limit]]
    keys.sort(key=_merge_key(sort_field, desc))
    return keys[:limit]


def _padded(ids: list[int]) -> list[int]:
    """The ids repeated up to the next power of two: a few prepared shapes (1, 2, 4 … 128 ids) instead of one per
    page length, each used often enough for PostgreSQL to cache its plan."""
    return ids + ids[-1:] * ((1 << (len(ids) - 1).bit_length()) - len(ids))


@functools.cache
def _page_read(count: int, related: tuple) -> PreparedRead:
    """The rows of `count` ids with the queue's columns: one prepared shape per padded length and joins."""
    return PreparedRead(
        lambda *ids: _queue_columns(WorkOrder.objects.filter(id__in=ids), related).order_by(),
        arity=count,
        reuse_plan=True,
    )


def _fetch_page(keys, sort_field, actor, related) -> list[WorkOrder] | None:
    """The rows of the (sort value, id) `keys` in that order, or None when one changed between the two reads
    (left the actor's sight, or its sort value moved, which the next page's cursor is made of): the caller then
    reads the page in one go instead."""
    if not keys:
        return []
    ids = [order_id for _, order_id in keys]
    padded = _padded(ids)
    # By id, the actor's scope checked on each row: with the page's filters repeated, SQLite walked the filter's
    # index (every dated in-progress row of a site for the deadline sort) instead of 26 primary-key lookups.
    by_id = {row.id: row for row in _page_read(len(padded), tuple(related))(*padded) if may_see_order(actor, row)}
    if len(by_id) != len(ids) or any(getattr(by_id[i], sort_field) != value for value, i in keys):
        return None
    return [by_id[i] for i in ids]


def _page_rows(qs, order, sort_field, desc, limit, filters, actor, related=None, split=True) -> list[WorkOrder]:
    related = QUEUE_RELATED if related is None else related
    parts = _per_site(qs, filters, actor, sort_field) if split else [qs]
    if len(parts) == 1 and (not split or not _key_reads_reuse_plans()):
        return list(_queue_columns(qs, related).order_by(*order)[:limit])
    # Split queues read only the sort keys per site, merge them, then fetch the page's rows in one query:
    # building every site's candidates with five joins cost more than the SQL did. On PostgreSQL one site's
    # queue goes the same way: planning the filtered five-table join for each call's values took 1.4–2.6 ms
    # (running it 0.3), while the keys' read plans in 0.2 and the page read by ids runs on a cached plan.
    keys = _split_keys(qs, order, sort_field, desc, limit, filters, actor, parts)
    rows = _fetch_page(keys, sort_field, actor, related)
    if rows is None:
        rows = [row for part in parts for row in _queue_columns(part, related).order_by(*order)[:limit]]
        rows.sort(key=lambda row: _merge_key(sort_field, desc)((getattr(row, sort_field), row.id)))
        rows = rows[:limit]
    return rows


_EVENTS_OF_ORDER = PreparedRead(
    lambda order_id: WorkOrderEvent.objects.filter(work_order_id=order_id)
    .select_related("actor")
    .order_by("created_at", "id")
)


def timeline_for(order: WorkOrder) -> list[WorkOrderEvent]:
    events = _EVENTS_OF_ORDER(order.pk)
    for event in events:
        event.work_order = order
    return events


def attachments_for(order: WorkOrder) -> QuerySet[Attachment]:
    return order.attachments.select_related("uploaded_by")


def attachments_among(order: WorkOrder, events) -> list[Attachment]:
    """The order's files, given its timeline: unread when no upload is on it, as every upload writes its
    attachment_added event in the same transaction and events are never removed (most orders have no file)."""
    if not any(e.event_type == "attachment_added" for e in events):
        return []
    return list(attachments_for(order))


def get_attachment_for(actor, attachment_id) -> Attachment:
    try:
        attachment = Attachment.objects.select_related("work_order").get(pk=int(attachment_id))
    except (Attachment.DoesNotExist, TypeError, ValueError):
        raise not_found() from None
    if not work_orders_for(actor).filter(pk=attachment.work_order_id).exists():
        raise not_found()
    return attachment


def customer_history_for(actor, customer_id, limit: int = 10) -> list[WorkOrder]:
    return list(work_orders_for(actor).filter(customer_id=customer_id).order_by("-id")[:limit])


def _today_in_each_site(field: str, sites, now) -> Q:
    """ "Today" is the site's own calendar day: a site in another time zone starts its day at its midnight."""
    cond = Q(pk__in=[])
    for site in sites:
        local = now.astimezone(zoneinfo.ZoneInfo(site.time_zone))
        start = datetime.combine(local.date(), time.min, tzinfo=local.tzinfo)
        cond |= Q(site_id=site.id, **{f"{field}__gte": start, f"{field}__lt": start + timedelta(days=1)})
    return cond


def dashboard_for(actor, *, site_id=None, now=None) -> dict:
    """Supervisor dashboard: today's intake by type and channel, open orders by status and per agent."""
    now = now or timezone.now()
    qs = work_orders_for(actor)
    sites = sites_for(actor).only("id", "time_zone")
    if site_id:
        qs = qs.filter(site_id=site_id)
        sites = sites.filter(id=site_id)
    sites = list(sites)
    today = qs.filter(_today_in_each_site("created_at", sites, now))
    open_qs = qs.filter(status__in=OPEN_STATUSES)
    return {
        "today_total": today.count(),
        "today_by_type": list(today.values("type").annotate(n=Count("id")).order_by("-n")),
        "today_by_channel": list(today.values("channel").annotate(n=Count("id")).order_by("-n")),
        "open_by_status": list(open_qs.values("status").annotate(n=Count("id")).order_by("status")),
        "open_by_assignee": list(
            open_qs.values("assignee_id", "assignee__display_name", "assignee__username")
            .annotate(n=Count("id"))
            .order_by("-n")[:30]
        ),
        "today_resolved": qs.filter(_today_in_each_site("resolved_at", sites, now)).count(),
    }
