"""Concurrent writers on one work order: the row lock serialises them, the version turns a lost update into 409.

Real threads, each on its own connection (transactional_db): SQLite queues them with BEGIN IMMEDIATE,
PostgreSQL with SELECT … FOR UPDATE.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction

from kefu.core.errors import ServiceError
from kefu.core.tests.concurrency import errors, oks, run_concurrently
from kefu.core.tests.fixtures import fast_password_hashing, make_staff  # noqa: F401
from kefu.tickets import services
from kefu.tickets.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def colleagues(site, service_center):
    return [make_staff(f"desk{i}", "agent", sites=[site], departments=[service_center]) for i in range(6)]


def _assigned_events(order):
    return list(WorkOrderEvent.objects.filter(work_order=order, event_type="assigned"))


def test_two_assignments_with_the_same_version_exactly_one_wins(make_order, supervisor, colleagues):
    order = make_order()
    version = order.version

    def assign(user):
        return services.assign_work_order(
            WorkOrder.objects.get(pk=order.pk), actor=supervisor, assignee_id=user.id, expected_version=version
        )

    results = run_concurrently(assign, [(u,) for u in colleagues])
    winners, losers = oks(results), errors(results)
    assert len(winners) == 1
    assert len(losers) == len(colleagues) - 1
    assert all(isinstance(e, ServiceError) and e.code == "version_conflict" for e in losers), losers
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.version, row.assignee_id) == (version + 1, winners[0].assignee_id)
    (event,) = _assigned_events(order)
    assert event.new == {"assignee": winners[0].assignee_id}


def test_a_writer_that_read_before_the_other_committed_still_sees_the_conflict(make_order, supervisor, colleagues):
    """Forces the overlap: A holds the lock and commits late; B starts while A's change is uncommitted.

    Without serialisation B would read the old version, pass the check and overwrite A (a lost update).
    """
    order = make_order()
    version = order.version
    a_locked, a_committed_at, outcome = threading.Event(), [], {}

    def writer_a():
        try:
            with transaction.atomic():
                services.assign_work_order(
                    WorkOrder.objects.get(pk=order.pk),
                    actor=supervisor,
                    assignee_id=colleagues[0].id,
                    expected_version=version,
                )
                a_locked.set()
                time.sleep(0.6)
                # Taken as A starts to commit: B, released by that COMMIT, may finish before A's thread runs on.
                a_committed_at.append(time.monotonic())
        finally:
            connections.close_all()

    def writer_b():
        try:
            a_locked.wait(10)
            services.assign_work_order(
                WorkOrder.objects.get(pk=order.pk),
                actor=supervisor,
                assignee_id=colleagues[1].id,
                expected_version=version,
            )
            outcome["b"] = "ok"
        except ServiceError as exc:
            outcome["b"] = exc.code
        finally:
            outcome["b_done_at"] = time.monotonic()
            connections.close_all()

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcome["b"] == "version_conflict"
    assert outcome["b_done_at"] >= a_committed_at[0]  # B waited for A instead of reading around it
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.version, row.assignee_id) == (version + 1, colleagues[0].id)
    assert len(_assigned_events(order)) == 1


def test_concurrent_writes_without_a_version_never_lose_an_increment(make_order, agent):
    order = make_order()
    n = 8

    def reply(i):
        return services.reply_to_customer(WorkOrder.objects.get(pk=order.pk), actor=agent, body=f"第{i}次答复")

    results = run_concurrently(reply, [(i,) for i in range(n)])
    assert errors(results) == []
    row = WorkOrder.objects.get(pk=order.pk)
    assert row.version == 1 + n
    assert WorkOrderEvent.objects.filter(work_order=order, event_type="replied").count() == n


def test_racing_transitions_each_apply_at_most_once(make_order, agent, supervisor):
    """Two accepts and two cancels race on a new order: each legal step happens once, the rest are refused."""
    order = make_order()

    def act(name):
        fresh = WorkOrder.objects.get(pk=order.pk)
        if name == "accept":
            return services.accept_work_order(fresh, actor=agent)
        return services.cancel_work_order(fresh, actor=supervisor, reason="重复工单")

    results = run_concurrently(act, [("accept",), ("cancel",), ("accept",), ("cancel",)])
    assert all(isinstance(e, ServiceError) and e.code == "transition_not_allowed" for e in errors(results))
    types = list(
        WorkOrderEvent.objects.filter(work_order=order, event_type__startswith="status_")
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert types in (["status_cancel"], ["status_accept", "status_cancel"])
    row = WorkOrder.objects.get(pk=order.pk)
    assert row.status == "cancelled"
    assert len(oks(results)) == len(types) == row.version - 1
