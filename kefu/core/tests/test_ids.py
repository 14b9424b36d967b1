"""Ids taken before the INSERT (kefu.core.ids): unique across transactions and within one, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from kefu.core.ids import next_id
from kefu.core.tests.concurrency import errors, oks, run_concurrently
from kefu.tickets.models import WorkOrder


def test_an_insert_with_a_taken_id_and_a_plain_insert_after_it_never_collide(make_order):
    first = make_order()
    taken = next_id(WorkOrder)
    assert taken > first.pk
    later = make_order()  # takes its own id the same way: above the one held, though that is not inserted yet
    assert later.pk > taken
    assert next_id(WorkOrder) > later.pk


def test_two_ids_taken_in_one_transaction_before_either_insert_differ(db):
    with transaction.atomic():
        a, b = next_id(WorkOrder), next_id(WorkOrder)
    assert b > a


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps AUTOINCREMENT's mark in sqlite_sequence")
def test_sqlite_a_table_without_a_mark_starts_above_its_highest_id_and_a_rollback_gives_the_id_back(make_order):
    order = make_order()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [WorkOrder._meta.db_table])
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_id(WorkOrder) == order.pk + 1
        raise RuntimeError("rolled back")
    assert next_id(WorkOrder) == order.pk + 1


@pytest.mark.django_db(transaction=True)
def test_parallel_takers_get_distinct_ids(db):
    def take(_):
        with transaction.atomic():
            return next_id(WorkOrder)

    results = run_concurrently(take, [(i,) for i in range(12)])
    assert errors(results) == []
    assert len(set(oks(results))) == 12
