"""Reads of suggestions and inquiries, scoped by the actor through the work orders he may see (else 404)."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from kefu.accounts.selectors import sites_for
from kefu.core.errors import not_found
from kefu.core.phones import mask_phone, parse_phone
from kefu.core.prepared import PreparedRead
from kefu.tickets.selectors import work_orders_for

from .models import Decision, Inquiry, Suggestion, SuggestionCategory, SuggestionEvent
from .services import site_categories_q
from .transitions import Stage

LIST_LIMIT = 50


def suggestions_for(actor) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(work_order__in=work_orders_for(actor).values("id"))


def get_suggestion_for(actor, pk) -> Suggestion:
    try:
        return suggestions_for(actor).select_related("work_order", "site", "category").get(pk=int(pk))
    except (Suggestion.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


# The detail page's reads, compiled once (kefu.core.prepared).
_SUGGESTION_OF_ORDER = PreparedRead(
    lambda order_id: Suggestion.objects.select_related(
        "category", "evaluated_by", "forwarded_to", "forwarded_to_department", "decided_by", "plan_owner"
    ).filter(work_order_id=order_id)[:1]
)
_INQUIRY_OF_ORDER = PreparedRead(
    lambda order_id: Inquiry.objects.select_related("answered_by").filter(work_order_id=order_id)[:1]
)
_SUGGESTION_EVENTS = PreparedRead(
    lambda suggestion_id: SuggestionEvent.objects.filter(suggestion_id=suggestion_id)
    .select_related("actor")
    .order_by("created_at", "id")
)


def suggestion_of_order(order) -> Suggestion | None:
    """The suggestion row of an order the caller already read through a scoped selector."""
    return next(iter(_SUGGESTION_OF_ORDER(order.pk)), None)


def inquiry_of_order(order) -> Inquiry | None:
    return next(iter(_INQUIRY_OF_ORDER(order.pk)), None)


def categories_for_site(site_id) -> QuerySet[SuggestionCategory]:
    return SuggestionCategory.objects.filter(site_categories_q(site_id), is_active=True).order_by("order", "id")


def categories_for(actor) -> QuerySet[SuggestionCategory]:
    site_ids = [s.id for s in sites_for(actor)]
    return SuggestionCategory.objects.filter(Q(site__isnull=True) | Q(site_id__in=site_ids), is_active=True).order_by(
        "order", "id"
    )


def events_of(suggestion: Suggestion) -> list:
    events = _SUGGESTION_EVENTS(suggestion.pk)
    for event in events:
        event.suggestion = suggestion
    return events


def _period(sites, date_from: date | None, date_to: date | None, field: str = "recorded_at") -> Q:
    """[date_from, date_to] in each site's own calendar (a site in another zone starts its day at its midnight)."""
    cond = Q(pk__in=[])
    for site in sites:
        tz = zoneinfo.ZoneInfo(site.time_zone)
        part = Q(site_id=site.id)
        if date_from:
            part &= Q(**{f"{field}__gte": datetime.combine(date_from, time.min, tzinfo=tz)})
        if date_to:
            part &= Q(**{f"{field}__lt": datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)})
        cond |= part
    return cond


@dataclass(frozen=True)
class ListFilters:
    site_id: int | None = None
    stage: str = ""
    category_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""


def suggestion_list(actor, filters: ListFilters, *, limit: int = LIST_LIMIT) -> list[Suggestion]:
    qs = suggestions_for(actor)
    sites = list(sites_for(actor).only("id", "time_zone"))
    if filters.site_id:
        sites = [s for s in sites if s.id == filters.site_id]
    qs = qs.filter(_period(sites, filters.date_from, filters.date_to))
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.category_id:
        qs = qs.filter(category_id=filters.category_id)
    if filters.q:
        qs = qs.filter(Q(content__icontains=filters.q) | Q(proposer_name__icontains=filters.q))
    return list(
        qs.select_related("work_order", "category", "plan_owner").order_by("-recorded_at", "-id")[: max(1, limit)]
    )


def _rate(adopted: int, rejected: int) -> float | None:
    decided = adopted + rejected
    return round(adopted / decided, 4) if decided else None


def _row(label, key, counts) -> dict:
    adopted, rejected = counts.get("adopted", 0), counts.get("rejected", 0)
    return {
        "key": key,
        "label": label,
        "total": counts.get("total", 0),
        "adopted": adopted,
        "rejected": rejected,
        "undecided": counts.get("total", 0) - adopted - rejected,
        "implemented": counts.get("implemented", 0),
        "adoption_rate": _rate(adopted, rejected),
    }


_COUNTS = dict(
    total=Count("id"),
    adopted=Count("id", filter=Q(decision=Decision.ADOPTED)),
    rejected=Count("id", filter=Q(decision=Decision.REJECTED)),
    implemented=Count("id", filter=Q(stage=Stage.IMPLEMENTED)),
)


def suggestion_statistics(actor, *, site_id=None, date_from=None, date_to=None) -> dict:
    """Counts by category, by month and by department, with the adoption rate (adopted / decided) (SUG-08)."""
    sites = list(sites_for(actor).only("id", "time_zone"))
    if site_id:
        sites = [s for s in sites if s.id == int(site_id)]
    qs = suggestions_for(actor).filter(_period(sites, date_from, date_to))
    by_category = [
        _row(r["category__name"] or None, r["category_id"], r)
        for r in qs.values("category_id", "category__name").annotate(**_COUNTS).order_by("-total", "category_id")
    ]
    tz = zoneinfo.ZoneInfo(sites[0].time_zone) if sites else None
    by_month = [
        _row(r["month"].strftime("%Y-%m"), r["month"].strftime("%Y-%m"), r)
        for r in qs.annotate(month=TruncMonth("recorded_at", tzinfo=tz))
        .values("month")
        .annotate(**_COUNTS)
        .order_by("month")
    ]
    by_department = [
        _row(r["forwarded_to_department__name"], r["forwarded_to_department_id"], r)
        for r in qs.filter(forwarded_to_department__isnull=False)
        .values("forwarded_to_department_id", "forwarded_to_department__name")
        .annotate(**_COUNTS)
        .order_by("-total", "forwarded_to_department_id")
    ]
    by_stage = dict(qs.values_list("stage").annotate(n=Count("id")).order_by())
    totals = _row(None, None, qs.aggregate(**_COUNTS))
    return {
        "totals": totals,
        "by_category": by_category,
        "by_month": by_month,
        "by_department": by_department,
        "by_stage": {stage: by_stage.get(stage, 0) for stage in Stage.values},
        "solicited": qs.filter(solicited=True).count(),
    }


def overdue_plans(today: date) -> QuerySet[Suggestion]:
    """Adopted suggestions past their due date whose owner was not reminded today (for the daily job)."""
    return Suggestion.objects.filter(stage=Stage.ADOPTED, plan_due_on__lt=today).exclude(overdue_notified_on=today)


def answered_inquiries(actor, *, q: str = "", limit: int = LIST_LIMIT) -> list[Inquiry]:
    qs = Inquiry.objects.filter(work_order__in=work_orders_for(actor).values("id"), answered_at__isnull=False)
    if q:
        qs = qs.filter(
            Q(answer__icontains=q) | Q(work_order__subject__icontains=q) | Q(work_order__description__icontains=q)
        )
    return list(qs.select_related("work_order", "answered_by").order_by("-answered_at", "-id")[:limit])


# Seven or more digits, maybe grouped by spaces or dashes: a phone number inside a free-text contact.
_NUMBER_IN_TEXT = re.compile(r"\d(?:[ \-]?\d){6,}")


def masked_contact(value: str) -> str:
    """A proposer's or caller's contact as every page and the API show it, whatever the role: a phone number masked
    (138****5678), also one written inside free text; the full number only through a logged reveal."""
    phone = parse_phone(value or "")
    if phone is not None:
        return mask_phone(phone.national)
    return _NUMBER_IN_TEXT.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group())), value or "")
