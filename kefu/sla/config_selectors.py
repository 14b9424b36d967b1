"""Reads for the deadline administration pages: service hours, overrides, holiday years, policy history."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from kefu.accounts.selectors import sites_for
from kefu.core.errors import not_found

from . import calendar_store
from .models import CalendarOverride, HolidayYear, SiteCalendar, SlaConfigEvent, SlaPolicy


def site_hours_for(actor) -> list[dict]:
    """Each of the actor's sites with its effective weekly hours (the stored row, else the kind's defaults)."""
    sites = list(sites_for(actor).order_by("name"))
    rows = {c.site_id: c for c in SiteCalendar.objects.filter(site__in=sites)}
    out = []
    for site in sites:
        row = rows.get(site.id)
        conf = (
            {
                "weekly": row.weekly,
                "around_the_clock": row.around_the_clock,
                "observes_public_holidays": row.observes_public_holidays,
                "max_rings": row.max_rings,
                "makeup_weekday": row.makeup_weekday,
            }
            if row
            else {**calendar_store.default_calendar_settings(site.kind), "max_rings": 3, "makeup_weekday": 0}
        )
        out.append({"site": site, "stored": row is not None, **conf})
    return out


def site_hours_of(actor, site_id) -> dict:
    for entry in site_hours_for(actor):
        if str(entry["site"].id) == str(site_id):
            return entry
    raise not_found()


def overrides_for(actor, *, site_id=None, since=None) -> QuerySet[CalendarOverride]:
    qs = CalendarOverride.objects.filter(site__in=sites_for(actor)).select_related("site").order_by("day", "site_id")
    if site_id:
        qs = qs.filter(site_id=site_id)
    if since:
        qs = qs.filter(day__gte=since)
    return qs


def holiday_years() -> QuerySet[HolidayYear]:
    return HolidayYear.objects.select_related("imported_by").annotate(n_days=Count("days")).order_by("-year")


def get_policy(policy_id) -> SlaPolicy:
    try:
        return SlaPolicy.objects.prefetch_related("targets").select_related("site").get(pk=int(policy_id))
    except (SlaPolicy.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


def policy_history(policy: SlaPolicy) -> QuerySet[SlaConfigEvent]:
    return SlaConfigEvent.objects.filter(policy=policy).select_related("actor").order_by("-created_at", "-id")
