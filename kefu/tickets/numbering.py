"""Human-readable work-order numbers: <site code>-<local date>-<4-digit counter>, gap-free per site and day."""

from __future__ import annotations

import zoneinfo
from contextlib import ExitStack
from datetime import datetime

from django.db import connection

from kefu.core.inserts import Rows

from .models import WorkOrderSequence


def _increment_sql() -> str:
    meta, q = WorkOrderSequence._meta, connection.ops.quote_name
    value, site, day = (q(meta.get_field(name).column) for name in ("last_value", "site", "day"))
    return f"UPDATE {q(meta.db_table)} SET {value} = {value} + 1 WHERE {site} = %s AND {day} = %s RETURNING {value}"


def _day(site, at: datetime):
    return at.astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()


def next_number(site, at: datetime) -> str:
    """Take the next number inside the caller's transaction; a rollback gives the number back.

    The counter row is locked (SQLite: IMMEDIATE transaction; PostgreSQL: row lock through the UPDATE),
    so concurrent creates queue on it and never skip or repeat a value. One UPDATE … RETURNING (SQLite ≥ 3.35,
    PostgreSQL) instead of read, update, read: this runs in every create on SQLite, under the lock (PostgreSQL's
    creates take theirs with `insert_numbered`).
    """
    day = _day(site, at)
    params = [site.pk, connection.ops.adapt_datefield_value(day)]
    with connection.cursor() as cursor:
        cursor.execute(_increment_sql(), params)
        row = cursor.fetchone()
        if row is None:  # the day's first order: make its counter row, then take from it
            WorkOrderSequence.objects.get_or_create(site=site, day=day)
            cursor.execute(_increment_sql(), params)
            row = cursor.fetchone()
    return f"{site.code}-{day:%Y%m%d}-{row[0]:04d}"


def _take_sql() -> str:
    """The counter's next value as a CTE `n(last_value)`; the day's first order makes the row (an upsert: it
    locks the row as the UPDATE does, and a concurrent first order waits, then increments)."""
    meta, q = WorkOrderSequence._meta, connection.ops.quote_name
    table = q(meta.db_table)
    value, site, day = (q(meta.get_field(name).column) for name in ("last_value", "site", "day"))
    return (
        f"n AS (INSERT INTO {table} ({site}, {day}, {value}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({site}, {day}) DO UPDATE SET {value} = {table}.{value} + 1 RETURNING {value})"
    )


_numbered: dict[tuple[str, str], str] = {}


def insert_numbered(site, at: datetime, order: Rows, history: Rows, *, before=(), commit: bool) -> None:
    """PostgreSQL: take the next number and insert the order (one row) and its history in ONE statement, after
    the batches `before` (its dependents: they need no lock), all in one pipeline. With `commit` (the caller's
    atomic block is the transaction) the pipeline stays open and the block's COMMIT joins it: from taking the
    number to COMMIT no answer is awaited. The answers (the number, set on the instances; the ids) are read once
    the statements have run: with `commit`, right after COMMIT, before the block's on_commit hooks.

    The counter row's lock lasts from taking the number to the end of COMMIT and every create of the site and day
    queues on it. Taken with its own statement, the lock also spans the answers' trips back to Python, and each
    of them waits for its worker's GIL; here it spans the server's work and the few Python steps from the
    statement to COMMIT (the atomic block's exit), never a round trip. The first history row's `new` gets the
    number under the key "number".
    """
    q = connection.ops.quote_name
    number_column = q(WorkOrderSequence._meta.get_field("last_value").column)
    day = _day(site, at)
    instance = order.objs[0]
    instance.number = f"{site.code}-{day:%Y%m%d}-"  # the part before the counter, completed in SQL
    order.restate("number")
    counter = f"{number_column}::text"
    order_sql, order_params = order.composed(
        {(0, "number"): f"(SELECT %s || lpad({counter}, greatest(4, length({counter})), '0') FROM n)"}
    )
    history_sql, history_params = history.composed(
        {(0, "new"): f"jsonb_set(%s, '{{number}}', to_jsonb((SELECT {q('number')} FROM o)))"}
    )
    sql = _numbered.get((order_sql, history_sql))
    if sql is None:  # the parts come from Rows' cache, so this is made once per history length
        sql = _numbered[order_sql, history_sql] = (
            f"WITH {_take_sql()}, o AS ({order_sql} RETURNING {q('number')}) "
            f"{history_sql}, (SELECT {q('number')} FROM o)"
        )
    params = [site.pk, connection.ops.adapt_datefield_value(day), *order_params, *history_params]
    sent = []
    with connection.wrap_database_errors, ExitStack() as pipeline:
        pipeline.enter_context(connection.connection.pipeline())
        for batch in before:
            batch_cursor = connection.cursor()
            batch_cursor.execute(*batch.composed())
            sent.append((batch, batch_cursor))
        cursor = connection.cursor()
        cursor.execute(sql, params)

        def answered() -> None:
            with cursor:
                rows = cursor.fetchall()
            for batch, batch_cursor in sent:
                with batch_cursor:
                    batch.saved(None if batch.pk_given else batch_cursor.fetchall())
            order.saved(None)
            history.saved(rows)
            instance.number = history.objs[0].new["number"] = rows[0][-1]

        if commit:  # nothing is read before COMMIT
            connection.commit_with_pipeline(pipeline.pop_all(), answered)
    if not commit:  # the pipeline has been synced on leaving it
        answered()
