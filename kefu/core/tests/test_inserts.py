"""Compiled inserts (kefu.core.inserts) write what the ORM writes, compiled once, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler
from django.utils import timezone

from kefu.core import inserts
from kefu.core.inserts import Rows
from kefu.sla.models import WorkOrderClock
from kefu.tickets.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


def _stored(model, pks):
    rows = {o.pk: o for o in model.objects.filter(pk__in=pks)}
    return [{f.attname: getattr(rows[pk], f.attname) for f in model._meta.concrete_fields} for pk in pks]


WHEN = timezone.now() - timedelta(minutes=5)


def _events(order, agent, n=2, when=WHEN):
    return [
        WorkOrderEvent(
            work_order=order,
            actor=agent,
            event_type="note_added",
            created_at=when + timedelta(seconds=i),
            old=None if i % 2 else {"i": 0, "字": ["值", None]},
            new={"i": i, "at": "2026-12-04", "emoji": "🙂"},
            note=f"第{i}条\n<b>不是标签</b>",
        )
        for i in range(n)
    ]


def test_rows_write_the_values_the_orm_writes(make_order, agent):
    order = make_order()
    mine, theirs = _events(order, agent), _events(order, agent)
    Rows(mine).send()
    WorkOrderEvent.objects.bulk_create(theirs)
    assert all(e.pk and not e._state.adding and e._state.db == "default" for e in mine)
    strip = [{k: v for k, v in row.items() if k != "id"} for row in _stored(WorkOrderEvent, [e.pk for e in mine])]
    assert strip == [{k: v for k, v in r.items() if k != "id"} for r in _stored(WorkOrderEvent, [e.pk for e in theirs])]


def _compiled_params(objs, *, with_pk):
    query = InsertQuery(type(objs[0]))
    fields = [f for f in type(objs[0])._meta.concrete_fields if with_pk or not f.primary_key]
    query.insert_values(fields, objs)
    ((_sql, params),) = query.get_compiler(using="default").as_sql()
    return params


def _plain(value):  # PostgreSQL wraps JSON for psycopg: compare what it wraps
    return getattr(value, "obj", value)


def test_the_values_are_the_ones_djangos_compiler_binds(make_order, agent):
    """Every table a create writes, every kind of value: text, choices, numbers, None, JSON, instants, links."""
    order = make_order(accept_now=True, priority=1, floor="B1", unit="", description="漏水\n第二行")
    WorkOrder.objects.filter(pk=order.pk).update(number="X")  # loaded fresh below: every field from the database
    fresh = [WorkOrder.objects.get(pk=order.pk)]
    cases = [
        (_events(order, agent, 3), False),
        (fresh, True),
        (list(order.clocks.all()), True),
        (list(order.sla_events.all()), True),
        (list(WorkOrder.objects.filter(pk=order.pk).only("id", "subject")), True),  # deferred fields read back
    ]
    for objs, with_pk in cases:
        mine = Rows(objs, pk_given=with_pk).params
        assert [_plain(p) for p in mine] == [_plain(p) for p in _compiled_params(objs, with_pk=with_pk)], objs


def test_a_row_with_its_pk_given_keeps_it_and_a_restated_value_is_the_one_written(make_order, agent):
    """The create's order: its values taken before the transaction, its id and number decided inside it."""
    model = make_order()
    order = WorkOrder(**{f.attname: getattr(model, f.attname) for f in WorkOrder._meta.concrete_fields})
    order.pk, order.number = None, "PENDING"
    history = _events(order, agent)  # linked before the order has an id
    row, rows = Rows([order], pk_given=True), Rows(history)
    with transaction.atomic():
        order.pk = WorkOrder.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
        order.number = "TEST-20261204-9999"
        history[0].new["number"] = order.number
        row.restate("id", "number")
        rows.restate("work_order")
        rows.restate("new", objs=history[:1])
        row.send()
        rows.send()
    stored = WorkOrder.objects.get(pk=order.pk)
    assert stored.number == "TEST-20261204-9999" and stored.subject == model.subject
    assert [e.work_order_id for e in WorkOrderEvent.objects.filter(pk__in=[e.pk for e in history])] == [order.pk] * 2
    assert WorkOrderEvent.objects.get(pk=history[0].pk).new["number"] == order.number


def test_a_statement_is_compiled_once_per_model_and_row_count(make_order, agent, monkeypatch):
    order = make_order()
    inserts._statements.clear()
    compiled = []
    original = SQLInsertCompiler.as_sql
    monkeypatch.setattr(SQLInsertCompiler, "as_sql", lambda self: compiled.append(1) or original(self))
    for _ in range(3):
        Rows(_events(order, agent, 2)).send()
    Rows(_events(order, agent, 1)).send()
    assert len(compiled) == 2
    assert WorkOrderEvent.objects.filter(work_order=order, event_type="note_added").count() == 7


def test_a_refused_row_leaves_nothing_written(make_order, agent):
    order = make_order()
    clock = order.clocks.first()
    again = WorkOrderClock(**{f.attname: getattr(clock, f.attname) for f in WorkOrderClock._meta.concrete_fields})
    again.pk = None  # the same (order, metric): the unique constraint refuses it
    notes = _events(order, agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rows(notes).send()
        Rows([again]).send()
    assert not WorkOrderEvent.objects.filter(work_order=order, event_type="note_added").exists()


def test_rows_refuse_what_they_cannot_write_as_the_orm_would(make_order, agent):
    order = make_order()
    first, second = _events(order, agent)
    second.pk = 10**9
    with pytest.raises(ValueError, match="every row or on none"):
        Rows([first, second])
    with pytest.raises(ValueError, match="no rows"):
        Rows([])
    first.pk, first.note = None, F("event_type")
    with pytest.raises(TypeError, match="expression"):
        Rows([first])


def test_a_big_batch_goes_to_bulk_create_on_postgresql(make_order, agent):
    from kefu.core.postgresql.compiler import SMALL_BATCH

    order = make_order()
    batch = _events(order, agent, SMALL_BATCH)
    if connection.vendor == "postgresql":
        with pytest.raises(ValueError, match="bulk_create"):
            Rows(batch).send()
    else:
        assert len({e.pk for e in Rows(batch).send()}) == SMALL_BATCH


def test_batches_sent_together_are_written_together_or_not_at_all(make_order, agent):
    """On PostgreSQL one round trip (pipeline mode): a refusal of the last statement still undoes the first."""
    from kefu.core.inserts import send_together

    order = make_order()
    clock = order.clocks.first()
    again = WorkOrderClock(**{f.attname: getattr(clock, f.attname) for f in WorkOrderClock._meta.concrete_fields})
    again.pk = None
    notes = _events(order, agent)
    with pytest.raises(IntegrityError), transaction.atomic():
        send_together(Rows(notes), Rows([again]))
    assert not WorkOrderEvent.objects.filter(work_order=order, event_type="note_added").exists()
    notes = _events(order, agent)
    more = _events(order, agent, 1)
    with transaction.atomic():
        send_together(Rows(notes), Rows(more))
    assert all(e.pk for e in notes + more)
    assert WorkOrderEvent.objects.filter(work_order=order, event_type="note_added").count() == 3
    # The connection is usable afterwards, outside pipeline mode.
    assert WorkOrder.objects.filter(pk=order.pk).exists()


def test_a_composed_insert_takes_a_value_from_an_sql_expression_and_keeps_the_others(make_order, agent):
    """composed(): the SQL of a batch with one cell replaced by an expression (its %s stands for the value it
    replaces); run as it is, it writes what send() would, except that cell."""
    order = make_order()
    events = _events(order, agent)
    batch = Rows(events)
    sql, params = batch.composed({(1, "note"): "upper(%s)", (0, "event_type"): "'note_' || 'added'"})
    assert sql.count("upper(%s)") == 1 and len(params) == len(batch.params) - 1
    assert batch.composed({(1, "note"): "upper(%s)", (0, "event_type"): "'note_' || 'added'"})[0] is sql  # cached
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        batch.saved(cursor.fetchall())
    stored = {e.pk: e for e in WorkOrderEvent.objects.filter(pk__in=[e.pk for e in events])}
    assert [stored[e.pk].note for e in events] == [events[0].note, events[1].note.upper()]
    assert [stored[e.pk].event_type for e in events] == ["note_added", "note_added"]
    assert [stored[e.pk].new for e in events] == [e.new for e in events]
    assert all(not e._state.adding for e in events)


def test_a_literal_percent_in_a_composed_expression_is_no_placeholder(make_order, agent):
    """`%%` in an expression is a percent sign, not a value: it takes no param, even followed by an "s"."""
    order = make_order()
    events = _events(order, agent)
    batch = Rows(events)
    sql, params = batch.composed({(1, "note"): "(%s || ' 100%%s')"})
    assert len(params) == len(batch.params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        batch.saved(cursor.fetchall())
    assert WorkOrderEvent.objects.get(pk=events[1].pk).note == f"{events[1].note} 100%s"
