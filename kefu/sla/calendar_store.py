"""Builds a site's BusinessCalendar from the database: its hours, overrides and the official holiday years."""

from __future__ import annotations

import time as _time
from datetime import date

from kefu.accounts.models import SiteKind

from .calendars import BusinessCalendar, HolidaySchedule, builtin_schedule, hours, weekly_hours
from .models import CalendarOverride, HolidayYear, OfficialDay, SiteCalendar

CACHE_SECONDS = 60  # other processes see an edit within a minute; this process at once (clear_cache)
_cache: dict[int, tuple[float, BusinessCalendar]] = {}
_schedule_cache: list = []


def default_calendar_settings(site_kind: str) -> dict:
    """Sensible hours per kind of site until an administrator sets them (SLA-07, SLA-08, SLA-09)."""
    if site_kind == SiteKind.PROPERTY:
        return {"around_the_clock": True, "observes_public_holidays": False, "weekly": {}}
    if site_kind in (SiteKind.MALL, SiteKind.SUPERMARKET):
        return {
            "around_the_clock": False,
            "observes_public_holidays": False,
            "weekly": {str(d): ["10:00-22:00"] for d in range(7)},
        }
    if site_kind == SiteKind.ONLINE:
        return {
            "around_the_clock": False,
            "observes_public_holidays": False,
            "weekly": {str(d): ["09:00-21:00"] for d in range(7)},
        }
    return {
        "around_the_clock": False,
        "observes_public_holidays": True,
        "weekly": {str(d): ["09:00-12:00", "13:00-18:00"] for d in range(5)},
    }


def clear_cache() -> None:
    _cache.clear()
    _schedule_cache.clear()


def official_schedule() -> HolidaySchedule:
    """The package's years, overridden by every year an administrator imported."""
    if _schedule_cache and _schedule_cache[0][0] > _time.monotonic():
        return _schedule_cache[0][1]
    imported_years = set(HolidayYear.objects.values_list("year", flat=True))
    days = list(OfficialDay.objects.values_list("day", "kind"))
    imported = HolidaySchedule(
        holidays=frozenset(d for d, k in days if k == OfficialDay.HOLIDAY),
        makeup_workdays=frozenset(d for d, k in days if k == OfficialDay.MAKEUP_WORKDAY),
        years=frozenset(imported_years),
    )
    schedule = builtin_schedule().merged(imported)
    _schedule_cache[:] = [(_time.monotonic() + CACHE_SECONDS, schedule)]
    return schedule


def calendar_for_site(site) -> BusinessCalendar:
    hit = _cache.get(site.id)
    if hit and hit[0] > _time.monotonic():
        return hit[1]
    row = SiteCalendar.objects.filter(site_id=site.id).first()
    conf = (
        {
            "around_the_clock": row.around_the_clock,
            "observes_public_holidays": row.observes_public_holidays,
            "weekly": row.weekly,
            "makeup_weekday": row.makeup_weekday,
        }
        if row
        else default_calendar_settings(site.kind)
    )
    overrides = CalendarOverride.objects.filter(site_id=site.id)
    cal = BusinessCalendar(
        time_zone=site.time_zone,
        weekly=tuple(hours(*conf["weekly"].get(str(d), [])) for d in range(7)),
        around_the_clock=conf["around_the_clock"],
        observes_public_holidays=conf["observes_public_holidays"],
        schedule=official_schedule(),
        closed_days=frozenset(o.day for o in overrides if o.closed),
        open_days={o.day: hours(*o.hours) for o in overrides if not o.closed},
        makeup_weekday=conf.get("makeup_weekday", 0),
    )
    _cache[site.id] = (_time.monotonic() + CACHE_SECONDS, cal)
    return cal


def years_missing(today: date, *, look_ahead_days: int = 60) -> list[int]:
    """Years an administrator should import now: this year, and next year once it is near."""
    schedule = official_schedule()
    years = [today.year]
    if (date(today.year + 1, 1, 1) - today).days <= look_ahead_days:
        years.append(today.year + 1)
    return [y for y in years if not schedule.knows(y)]


__all__ = [
    "calendar_for_site",
    "clear_cache",
    "default_calendar_settings",
    "official_schedule",
    "weekly_hours",
    "years_missing",
]
