"""Prepared reads (kefu.core.prepared) give what their QuerySet gives, compiled once, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from kefu.accounts.models import Department
from kefu.core.prepared import PreparedRead
from kefu.tickets.models import WorkOrderEvent

pytestmark = pytest.mark.django_db


def _values(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


EVENTS = PreparedRead(
    lambda order_id: WorkOrderEvent.objects.filter(work_order_id=order_id)
    .select_related("actor")
    .order_by("created_at", "id")
)


def _orm_events(order_id):
    return list(
        WorkOrderEvent.objects.filter(work_order_id=order_id).select_related("actor").order_by("created_at", "id")
    )


def test_a_prepared_read_builds_the_instances_the_queryset_builds(make_order, agent):
    from kefu.tickets import services

    order = make_order(accept_now=True)
    services.add_internal_note(order, actor=agent, body="现场查看,需更换阀门")
    services.change_priority(order, actor=agent, priority=1, reason="漏水扩大")
    other = make_order(subject="另一张工单")
    got, orm = EVENTS(order.pk), _orm_events(order.pk)
    assert [e.pk for e in got] == [e.pk for e in orm] and len(got) >= 3
    for built, expected in zip(got, orm, strict=True):
        # Datetimes, JSON old/new and the joined actor came through the same converters.
        assert _values(built) == _values(expected)
        assert _values(built.actor) == _values(expected.actor)
        assert not built._state.adding and built._state.db == "default"
    assert {e.pk for e in EVENTS(other.pk)} == {e.pk for e in _orm_events(other.pk)}
    assert EVENTS(other.pk + 10_000) == []


def test_a_nullable_joined_row_comes_back_as_none_without_a_query(site, engineering):
    departments = PreparedRead(
        lambda site_id: Department.objects.filter(site_id=site_id).select_related("site").order_by("id")
    )
    (dept,) = departments(site.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert dept.site.name == site.name
    assert len(ctx.captured_queries) == 0


def test_the_shape_is_compiled_once_and_only_values_are_sent_after(make_order, monkeypatch):
    compiles = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        compiles.append(self.query.model)
        return original(self, *args, **kwargs)

    read = PreparedRead(lambda order_id: WorkOrderEvent.objects.filter(work_order_id=order_id).order_by("id"))
    a, b = make_order(), make_order(subject="第二张")
    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    with CaptureQueriesContext(connection) as ctx:
        first, second, again = read(a.pk), read(b.pk), read(a.pk)
    assert compiles == [WorkOrderEvent]
    assert len(ctx.captured_queries) == 3
    assert {e.work_order_id for e in first} == {a.pk} and {e.work_order_id for e in second} == {b.pk}
    assert [e.pk for e in again] == [e.pk for e in first]


def test_an_argument_that_does_not_reach_the_sql_as_a_parameter_is_refused_on_first_use():
    ignored = PreparedRead(lambda order_id: WorkOrderEvent.objects.all())
    with pytest.raises(ValueError, match="each argument must reach the SQL"):
        ignored(1)
    with pytest.raises(TypeError):
        EVENTS(1, 2)


def test_prefetches_of_the_queryset_run_after_the_read(make_order):
    from kefu.tickets.models import WorkOrder

    order = make_order()
    read = PreparedRead(
        lambda order_id: WorkOrder.objects.filter(pk=order_id).prefetch_related("events__actor").order_by("id")
    )
    (got,) = read(order.pk)
    with CaptureQueriesContext(connection) as ctx:
        actors = [e.actor for e in got.events.all()]
    assert len(ctx.captured_queries) == 0
    assert [e.pk for e in got.events.all()] == list(order.events.values_list("pk", flat=True))
    assert actors and all(a is not None for a in actors)


@pytest.mark.django_db(transaction=True)
def test_threads_share_the_shape_each_on_its_own_connection(site, agent, customer):
    from kefu.tickets.services import create_work_order

    orders = [
        create_work_order(
            actor=agent, site_id=site.id, type="inquiry", channel="phone", subject=f"咨询{i}", customer_id=customer.id
        )
        for i in range(4)
    ]
    expected = {o.pk: [e.pk for e in _orm_events(o.pk)] for o in orders}
    results, errors = {}, []

    def work(order_id):
        try:
            for _ in range(20):
                results[order_id] = [e.pk for e in EVENTS(order_id)]
        except Exception as exc:  # noqa: BLE001  reported below with the order it failed on
            errors.append((order_id, exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(pk,)) for pk in expected]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == expected


def test_a_flat_values_list_gives_the_converted_values(site, other_site):
    codes = PreparedRead(lambda site_id: Department.objects.filter(site_id=site_id).values_list("id", flat=True))
    first = Department.objects.create(site=site, name="保安部")
    Department.objects.create(site=other_site, name="保洁部")
    assert codes(site.pk) == list(Department.objects.filter(site=site).values_list("id", flat=True)) == [first.pk]


def test_an_id_no_database_can_hold_finds_nothing_instead_of_failing():
    # As the ORM answers such a lookup: an empty result, never a database error (a 500 on /work-orders/<huge>/).
    assert EVENTS(2**63) == [] and EVENTS(-(2**63) - 1) == [] and EVENTS(2**63 - 1) == []
