"""Human-readable work-order numbers: <site code>-<local date>-<4-digit counter>, gap-free per site and day."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.db import connection

from .models import WorkOrderSequence


def _increment_sql() -> str:
    meta, q = WorkOrderSequence._meta, connection.ops.quote_name
    value, site, day = (q(meta.get_field(name).column) for name in ("last_value", "site", "day"))
    return f"UPDATE {q(meta.db_table)} SET {value} = {value} + 1 WHERE {site} = %s AND {day} = %s RETURNING {value}"


def next_number(site, at: datetime) -> str:
    """Take the next number inside the caller's transaction; a rollback gives the number back.

    The counter row is locked (SQLite: IMMEDIATE transaction; PostgreSQL: row lock through the UPDATE),
    so concurrent creates queue on it and never skip or repeat a value. One UPDATE … RETURNING (SQLite ≥ 3.35,
    PostgreSQL) instead of read, update, read: this runs in every create, under the lock.
    """
    day = at.astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()
    params = [site.pk, connection.ops.adapt_datefield_value(day)]
    with connection.cursor() as cursor:
        cursor.execute(_increment_sql(), params)
        row = cursor.fetchone()
        if row is None:  # the day's first order: make its counter row, then take from it
            WorkOrderSequence.objects.get_or_create(site=site, day=day)
            cursor.execute(_increment_sql(), params)
            row = cursor.fetchone()
    return f"{site.code}-{day:%Y%m%d}-{row[0]:04d}"
