"""Reads of deadlines: compliance report and breach list, scoped to the actor's sites."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, QuerySet

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import site_ids_for
from kefu.core.errors import not_found
from kefu.core.prepared import PreparedRead
from kefu.tickets.transitions import is_open

from . import calendar_store
from .models import ClockState, Escalation, SlaPolicy, WorkOrderClock

GROUPINGS = {
    "site": ("work_order__site_id", "work_order__site__name"),
    "type": ("work_order__type", None),
    "channel": ("work_order__channel", None),
    "agent": ("work_order__assignee_id", "work_order__assignee__display_name"),
}


def clocks_for(actor) -> QuerySet[WorkOrderClock]:
    return WorkOrderClock.objects.filter(work_order__site_id__in=site_ids_for(actor))


_CLOCKS_OF_ORDER = PreparedRead(
    lambda order_id: WorkOrderClock.objects.filter(work_order_id=order_id).select_related("policy").order_by("metric")
)
_ESCALATIONS_OF_ORDER = PreparedRead(
    lambda order_id: Escalation.objects.filter(work_order_id=order_id)
    .select_related("created_by")
    .order_by("created_at", "id")
)


def clocks_of_order(actor, order) -> list[WorkOrderClock]:
    if order.site_id not in site_ids_for(actor):
        raise not_found()
    return _CLOCKS_OF_ORDER(order.pk)


def compliance_report(actor, *, start: datetime, end: datetime, group_by: str = "site", site_id=None) -> list[dict]:
    """Share of targets met per metric and group, over clocks that started in [start, end) and are decided.

    A clock is decided once it was met (fulfilled on time) or breached; running and paused ones are left out,
    so the figure never changes for a period that is over except by the facts of late fulfilment.
    """
    key, label = GROUPINGS.get(group_by, GROUPINGS["site"])
    qs = clocks_for(actor).filter(started_at__gte=start, started_at__lt=end)
    if site_id:
        qs = qs.filter(work_order__site_id=site_id)
    fields = [key, "metric"] + ([label] if label else [])
    rows = (
        qs.values(*fields)
        .annotate(
            met=Count("id", filter=Q(state=ClockState.FULFILLED)),
            breached=Count("id", filter=Q(state=ClockState.BREACHED)),
            open=Count("id", filter=Q(state__in=[ClockState.RUNNING, ClockState.AT_RISK, ClockState.PAUSED])),
        )
        .order_by(key, "metric")
    )
    out = []
    for row in rows:
        decided = row["met"] + row["breached"]
        out.append(
            {
                "group": row[key],
                "label": row[label] if label else row[key],
                "metric": row["metric"],
                "met": row["met"],
                "breached": row["breached"],
                "open": row["open"],
                "compliance": round(100.0 * row["met"] / decided, 1) if decided else None,
            }
        )
    return out


def breaches_for(actor, *, start: datetime, end: datetime, site_id=None, limit: int = 500) -> list[WorkOrderClock]:
    """Breached clocks in the period with the order, and the escalation reasons recorded on them."""
    qs = (
        clocks_for(actor)
        .filter(state=ClockState.BREACHED, breached_at__gte=start, breached_at__lt=end)
        .select_related("work_order", "work_order__assignee", "work_order__site", "policy")
        .order_by("-breached_at")
    )
    if site_id:
        qs = qs.filter(work_order__site_id=site_id)
    return list(qs[:limit])


def escalations_for_order(actor, order) -> list[Escalation]:
    if order.site_id not in site_ids_for(actor):
        raise not_found()
    return _ESCALATIONS_OF_ORDER(order.pk)


def policies() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.prefetch_related("targets").select_related("site").order_by("position", "id")


def calendar_warnings(today) -> list[int]:
    """Years administrators must import (shown as a banner to them)."""
    return calendar_store.years_missing(today)


def order_actions_allowed(actor, order, action_names) -> list[str]:
    """The 时限 panel's steps the actor may take on `order`, in panel order. `action_names`: what the detail page
    offers (tickets' available_actions); only people who work the order may promise or defer."""
    if not is_open(order.status):
        return []
    may_reply = "reply" in action_names
    steps = {"promise": may_reply, "defer": may_reply, "escalate": has_capability(actor, Capability.ESCALATE)}
    return [name for name, allowed in steps.items() if allowed]
