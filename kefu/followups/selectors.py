"""Reads of follow-up visits, scoped by the actor's sites (another site's visit is a 404, never a 403)."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kefu.accounts.models import Site
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import site_ids_for
from kefu.core.errors import CoreError, ServiceError, not_found
from kefu.core.prepared import PreparedRead

from .models import FOLLOW_UP_TYPES, FollowUp, FollowUpAttempt, FollowUpRule, Source, VisitStatus
from .services import rule_for

COUNTED = ~Q(status=VisitStatus.CANCELLED)


def follow_ups_for(actor) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(site_id__in=site_ids_for(actor))


def get_follow_up_for(actor, follow_up_id) -> FollowUp:
    try:
        return (
            follow_ups_for(actor).select_related("customer", "work_order", "assignee", "site").get(pk=int(follow_up_id))
        )
    except (FollowUp.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None


def _by_site_day(lookup: str, actor, today: date | None, now=None) -> Q:
    """`lookup` against each site's own local date: a visit is due on the site's day, not the server's.
    An explicit `today` applies to every site."""
    if today is not None:
        return Q(**{lookup: today})
    now = now or timezone.now()
    zones = defaultdict(list)
    for site_id, zone in Site.objects.filter(id__in=site_ids_for(actor)).values_list("id", "time_zone"):
        zones[zone].append(site_id)
    cond = Q(pk__in=[])
    for zone, ids in zones.items():
        cond |= Q(site_id__in=ids, **{lookup: timezone.localtime(now, zoneinfo.ZoneInfo(zone)).date()})
    return cond


def local_today_for(actor, now=None) -> date:
    """The date to print above the actor's lists: their sites' day when they share one time zone."""
    now = now or timezone.now()
    zones = set(Site.objects.filter(id__in=site_ids_for(actor)).values_list("time_zone", flat=True))
    if len(zones) == 1:
        return timezone.localtime(now, zoneinfo.ZoneInfo(zones.pop())).date()
    return timezone.localdate(now)


def todo_for(actor, *, today: date | None = None, now=None) -> QuerySet[FollowUp]:
    """今日回访: the actor's open visits whose period has begun (by the site's local day) and whose next attempt
    is due."""
    now = now or timezone.now()
    return (
        follow_ups_for(actor)
        .filter(_by_site_day("planned_on__lte", actor, today, now), assignee=actor, status=VisitStatus.OPEN)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .select_related("customer", "work_order")
        .order_by("due_on", "planned_on", "id")
    )


def _require_lead(actor) -> None:
    if not has_capability(actor, Capability.VIEW_SATISFACTION):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def overdue_for(actor, *, site_id=None, today: date | None = None, now=None) -> QuerySet[FollowUp]:
    """Open visits past their due date (the site's local day), for supervisors; the view groups them per person."""
    _require_lead(actor)
    qs = follow_ups_for(actor).filter(_by_site_day("due_on__lt", actor, today, now), status=VisitStatus.OPEN)
    if site_id:
        qs = qs.filter(site_id=site_id)
    return qs.select_related("customer", "assignee", "work_order").order_by("assignee_id", "due_on", "id")


def overdue_counts(actor, *, site_id=None, today: date | None = None, now=None) -> list[dict]:
    rows = (
        overdue_for(actor, site_id=site_id, today=today, now=now)
        .order_by()
        .values("assignee_id", "assignee__display_name", "assignee__username")
        .annotate(n=Count("id"))
        .order_by("-n", "assignee_id")
    )
    return [
        {"assignee_id": r["assignee_id"], "name": r["assignee__display_name"] or r["assignee__username"], "n": r["n"]}
        for r in rows
    ]


def _rate(done: int, due: int) -> float | None:
    return round(done / due, 4) if due else None


def revisit_rate(actor, *, start: date, end: date, site_id=None, assignee_id=None) -> list[dict]:
    """回访率 per person (FU-06): visits done / visits due in [start, end] by due date; cancelled ones do not count.

    Actors without the reporting capability only get their own figure (the appraisal issue reads this)."""
    qs = follow_ups_for(actor).filter(COUNTED, due_on__gte=start, due_on__lte=end)
    if not has_capability(actor, Capability.VIEW_SATISFACTION):
        assignee_id = actor.id
    if site_id:
        qs = qs.filter(site_id=site_id)
    if assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    rows = (
        qs.order_by()
        .values("assignee_id", "assignee__display_name", "assignee__username")
        .annotate(due=Count("id"), done=Count("id", filter=Q(status=VisitStatus.DONE)))
        .order_by("assignee_id")
    )
    return [
        {
            "assignee_id": r["assignee_id"],
            "name": r["assignee__display_name"] or r["assignee__username"],
            "due": r["due"],
            "done": r["done"],
            "rate": _rate(r["done"], r["due"]),
        }
        for r in rows
    ]


def plan_completion(actor, *, start: date, end: date, site_id=None) -> list[dict]:
    """Completion of tier plans per tier and role level (TIER-08) for visits due in [start, end]."""
    _require_lead(actor)
    qs = follow_ups_for(actor).filter(COUNTED, source=Source.PLAN, due_on__gte=start, due_on__lte=end)
    if site_id:
        qs = qs.filter(site_id=site_id)
    rows = (
        qs.order_by()
        .values("tier", "role")
        .annotate(
            due=Count("id"),
            done=Count("id", filter=Q(status=VisitStatus.DONE)),
            overdue=Count("id", filter=Q(status=VisitStatus.OPEN, overdue=True)),
        )
        .order_by("tier", "role")
    )
    return [{**r, "rate": _rate(r["done"], r["due"])} for r in rows]


def attempts_of(follow_up: FollowUp) -> QuerySet[FollowUpAttempt]:
    return follow_up.attempt_rows.select_related("actor", "opened_order").order_by("created_at", "id")


_FOLLOW_UPS_OF_ORDER = PreparedRead(
    lambda order_id: FollowUp.objects.filter(work_order_id=order_id)
    .select_related("assignee")
    .prefetch_related("attempt_rows__opened_order", "attempt_rows__actor")
    .order_by("id")
)


def follow_ups_of_order(actor, order) -> list[FollowUp]:
    if order.site_id not in site_ids_for(actor):
        return []
    return _FOLLOW_UPS_OF_ORDER(order.pk)


def opened_from(actor, order) -> FollowUpAttempt | None:
    """The revisit whose dissatisfied customer made `order` (a linked complaint), if any."""
    if order.site_id not in site_ids_for(actor):
        return None
    rows = FollowUpAttempt.objects.filter(opened_order=order)
    # Most complaints were not opened by a revisit: one column answers that, the three-table read only if so.
    if not rows.exists():
        return None
    return rows.select_related("follow_up__work_order").first()


def rules_for(actor, site) -> list[FollowUpRule]:
    if site.id not in site_ids_for(actor):
        raise not_found()
    return [rule_for(site, t.value) for t in FOLLOW_UP_TYPES]


def visits_of_customer(actor, customer, limit: int) -> list[FollowUp]:
    if customer.site_id not in site_ids_for(actor):
        return []
    return list(
        FollowUp.objects.filter(customer=customer, status__in=[VisitStatus.DONE, VisitStatus.UNREACHABLE])
        .select_related("assignee", "work_order")
        .prefetch_related("attempt_rows")
        .order_by("-completed_at", "-id")[:limit]
    )
