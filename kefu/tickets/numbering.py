"""Human-readable work-order numbers: <site code>-<local date>-<4-digit counter>, gap-free per site and day."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.db.models import F

from .models import WorkOrderSequence


def next_number(site, at: datetime) -> str:
    """Take the next number inside the caller's transaction; a rollback gives the number back.

    The counter row is locked (SQLite: IMMEDIATE transaction; PostgreSQL: row lock through the UPDATE),
    so concurrent creates queue on it and never skip or repeat a value.
    """
    day = at.astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()
    seq, created = WorkOrderSequence.objects.get_or_create(site=site, day=day)
    WorkOrderSequence.objects.filter(pk=seq.pk).update(last_value=F("last_value") + 1)
    value = WorkOrderSequence.objects.values_list("last_value", flat=True).get(pk=seq.pk)
    return f"{site.code}-{day:%Y%m%d}-{value:04d}"
