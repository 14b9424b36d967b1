"""Named writes on deadline configuration (service hours, holiday data, response standards); each records an event."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.errors import CoreError, ServiceError

from . import calendar_store
from .calendars import hours
from .errors import SlaError
from .models import CalendarOverride, HolidayYear, OfficialDay, SiteCalendar, SlaConfigEvent, SlaPolicy, SlaTarget
from .services import clear_policy_cache

KIND_WORDS = {
    "holiday": OfficialDay.HOLIDAY,
    "休": OfficialDay.HOLIDAY,
    "假": OfficialDay.HOLIDAY,
    "workday": OfficialDay.MAKEUP_WORKDAY,
    "makeup_workday": OfficialDay.MAKEUP_WORKDAY,
    "班": OfficialDay.MAKEUP_WORKDAY,
}


def _require(actor) -> None:
    if not has_capability(actor, Capability.MANAGE_SLA):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def parse_holiday_file(text: str) -> list[tuple[date, str, str]]:
    """Lines of `2027-01-01,holiday,元旦` or `2027-02-07,班,春节调休` (a header line and blank lines are skipped)."""
    rows, errors, seen = [], [], set()
    for lineno, row in enumerate(csv.reader(io.StringIO(text or "")), start=1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0] or cells[0].lower() in ("date", "日期") or cells[0].startswith("#"):
            continue
        try:
            day = date.fromisoformat(cells[0])
            kind = KIND_WORDS[cells[1].lower() if len(cells) > 1 else ""]
            if day in seen:  # one kind per date: a repeat would break the unique day
                raise ValueError(day)
            seen.add(day)
        except (ValueError, KeyError, IndexError):
            errors.append(f"{lineno}: {','.join(cells)[:60]}")
            continue
        rows.append((day, kind, cells[2][:40] if len(cells) > 2 else ""))
    if errors or not rows:
        raise ServiceError(SlaError.BAD_HOLIDAY_FILE, fields={"file": errors or [SlaError.BAD_HOLIDAY_FILE.message]})
    return rows


@transaction.atomic
def import_holiday_year(*, actor, year: int, days: list[tuple[date, str, str]], source_note: str = "") -> HolidayYear:
    """Install (or replace) a year's official holidays and make-up working days."""
    _require(actor)
    if any(d.year != year for d, _, _ in days):
        raise ServiceError(SlaError.HOLIDAY_YEAR_MISMATCH, fields={"file": [SlaError.HOLIDAY_YEAR_MISMATCH.message]})
    existing = HolidayYear.objects.filter(year=year).first()
    old = None
    if existing:
        old = {"days": [[str(d.day), d.kind] for d in existing.days.all()]}
        existing.days.all().delete()
        existing.imported_by, existing.imported_at, existing.source_note = actor, timezone.now(), source_note
        existing.save()
        record = existing
    else:
        record = HolidayYear.objects.create(year=year, imported_by=actor, source_note=source_note)
    OfficialDay.objects.bulk_create([OfficialDay(year=record, day=d, kind=k, name=n) for d, k, n in sorted(set(days))])
    SlaConfigEvent.objects.create(
        actor=actor,
        event_type="holiday_year_imported",
        old=old,
        new={"year": year, "days": [[str(d), k] for d, k, _ in sorted(set(days))]},
        note=source_note,
    )
    calendar_store.clear_cache()
    return record


def _clean_weekly(weekly: dict) -> dict:
    out = {}
    try:
        for day in range(7):
            spans = [s.strip() for s in weekly.get(str(day), []) if s and s.strip()]
            hours(*spans)
            out[str(day)] = spans
    except (ValueError, AttributeError, TypeError):
        raise ServiceError(SlaError.BAD_HOURS, fields={"weekly": [SlaError.BAD_HOURS.message]}) from None
    return out


@transaction.atomic
def set_site_calendar(
    site,
    *,
    actor,
    weekly: dict,
    around_the_clock: bool = False,
    observes_public_holidays: bool = False,
    makeup_weekday: int = 0,
    max_rings: int | None = None,
) -> SiteCalendar:
    _require(actor)
    cleaned = _clean_weekly(weekly)
    if max_rings is not None:
        try:
            max_rings = int(max_rings)
        except (TypeError, ValueError):
            max_rings = -1
        if not 1 <= max_rings <= 30:
            raise ServiceError(SlaError.BAD_RINGS, fields={"max_rings": [SlaError.BAD_RINGS.message]})
    row = SiteCalendar.objects.select_for_update().filter(site=site).first()
    old = (
        None
        if row is None
        else {
            "weekly": row.weekly,
            "around_the_clock": row.around_the_clock,
            "observes_public_holidays": row.observes_public_holidays,
            "makeup_weekday": row.makeup_weekday,
            "max_rings": row.max_rings,
        }
    )
    row = row or SiteCalendar(site=site)
    if max_rings is not None:
        row.max_rings = max_rings
    row.weekly, row.around_the_clock = cleaned, bool(around_the_clock)
    row.observes_public_holidays, row.makeup_weekday = bool(observes_public_holidays), int(makeup_weekday) % 7
    row.updated_at = timezone.now()
    row.save()
    SlaConfigEvent.objects.create(
        actor=actor,
        site=site,
        event_type="service_hours_changed",
        old=old,
        new={
            "weekly": cleaned,
            "around_the_clock": row.around_the_clock,
            "observes_public_holidays": row.observes_public_holidays,
            "makeup_weekday": row.makeup_weekday,
            "max_rings": row.max_rings,
        },
    )
    calendar_store.clear_cache()
    return row


@transaction.atomic
def set_calendar_override(site, *, actor, day: date, closed: bool, spans: list[str] = (), reason: str = ""):
    _require(actor)
    spans = [s.strip() for s in spans if s and s.strip()]
    if not closed:
        try:
            hours(*spans)
        except (ValueError, AttributeError):
            raise ServiceError(SlaError.BAD_HOURS, fields={"hours": [SlaError.BAD_HOURS.message]}) from None
        if not spans:
            raise ServiceError(SlaError.BAD_HOURS, fields={"hours": [SlaError.BAD_HOURS.message]})
    row, _ = CalendarOverride.objects.update_or_create(
        site=site, day=day, defaults={"closed": closed, "hours": [] if closed else spans, "reason": reason[:200]}
    )
    SlaConfigEvent.objects.create(
        actor=actor,
        site=site,
        event_type="calendar_override_set",
        new={"day": str(day), "closed": closed, "hours": row.hours},
        note=reason,
    )
    calendar_store.clear_cache()
    return row


def policy_snapshot(policy: SlaPolicy) -> dict:
    data = model_to_dict(policy, exclude=["id"])
    data["targets"] = [
        {"metric": t.metric, "minutes": t.minutes, "business_time": t.business_time, "pause_statuses": t.pause_statuses}
        for t in policy.targets.order_by("metric")
    ]
    return data


@transaction.atomic
def save_sla_policy(
    policy: SlaPolicy | None,
    *,
    actor,
    fields: dict,
    targets: list[dict],
    reason: str = "",
    expected_version: int | None = None,
) -> SlaPolicy:
    """Create or change a policy: a new version and its snapshot event; existing orders keep their deadlines.

    The version check and the "before" snapshot are taken on the locked row, so two editors can't both win.
    """
    _require(actor)
    old = None
    if policy is None:
        policy = SlaPolicy(**fields)
        policy.save()
    else:
        policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        if expected_version is not None and expected_version != policy.version:
            raise ServiceError(CoreError.VERSION_CONFLICT)
        old = policy_snapshot(policy)
        for key, value in fields.items():
            setattr(policy, key, value)
        policy.version += 1
        policy.save()
        policy.targets.all().delete()
    for target in targets:
        SlaTarget.objects.create(policy=policy, **target)
    transaction.on_commit(clear_policy_cache)
    clear_policy_cache()
    SlaConfigEvent.objects.create(
        policy=policy,
        version=policy.version,
        actor=actor,
        event_type="policy_created" if old is None else "policy_changed",
        old=old,
        new=policy_snapshot(policy),
        note=reason,
    )
    return policy
