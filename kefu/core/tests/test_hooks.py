"""Hooks run inside the announcing service's transaction: what a receiver writes commits or rolls back with it."""

from __future__ import annotations

import pytest
from django.db import connection

from kefu.core import hooks
from kefu.core.tests.fixtures import fast_password_hashing  # noqa: F401
from kefu.tickets import services
from kefu.tickets.models import WorkOrder, WorkOrderEvent, WorkOrderSequence


class Refused(Exception):
    pass


@pytest.fixture
def receivers():
    added = []

    def add(hook, receiver):
        hooks.register(hook, receiver)
        added.append((hook, receiver))
        return receiver

    yield add
    for hook, receiver in added:
        hooks.unregister(hook, receiver)


def _raise(**_payload):
    raise Refused


@pytest.fixture
def in_progress(make_order, agent):
    order = make_order(accept_now=True)
    return services.start_work_order(order, actor=agent)


def _snapshot(order):
    row = WorkOrder.objects.get(pk=order.pk)
    return row.status, row.version, list(WorkOrderEvent.objects.filter(work_order=order).values_list("id", flat=True))


def test_register_is_idempotent_and_unregister_removes(receivers):
    calls = []

    def receiver(**payload):
        calls.append(payload)

    receivers("test_only_hook", receiver)
    hooks.register("test_only_hook", receiver)
    hooks.fire("test_only_hook", x=1)
    assert calls == [{"x": 1}]
    hooks.unregister("test_only_hook", receiver)
    hooks.fire("test_only_hook", x=2)
    assert calls == [{"x": 1}]


def test_created_hook_fires_inside_the_transaction_before_the_order_row_and_its_number(receivers, make_order, agent):
    """Its rows go in first, pointing at the order's id; the order's row and number follow under the number lock."""
    seen = []

    def receiver(*, work_order, actor):
        exists = WorkOrder.objects.filter(pk=work_order.pk).exists()
        seen.append((connection.in_atomic_block, work_order.pk is not None, exists, work_order.number, actor))
        WorkOrderEvent.objects.create(work_order_id=work_order.pk, actor=actor, event_type="note_added", note="先写")

    receivers(hooks.WORK_ORDER_CREATED, receiver)
    order = make_order()
    assert seen == [(True, True, False, "", agent)]
    types = list(WorkOrderEvent.objects.filter(work_order=order).order_by("id").values_list("event_type", flat=True))
    assert types == ["note_added", "created"]


def test_a_created_receiver_that_raises_rolls_back_the_order_its_event_and_its_number(
    transactional_db, receivers, make_order, site
):
    receivers(hooks.WORK_ORDER_CREATED, _raise)
    with pytest.raises(Refused):
        make_order(accept_now=True)
    assert not WorkOrder.objects.exists()
    assert not WorkOrderEvent.objects.exists()
    assert not WorkOrderSequence.objects.filter(last_value__gt=0).exists()
    hooks.unregister(hooks.WORK_ORDER_CREATED, _raise)
    assert make_order().number.endswith("-0001")


def test_what_a_receiver_writes_commits_with_the_service(receivers, in_progress, agent):
    def note(*, work_order, actor):
        services.add_internal_note(work_order, actor=actor, body="已安排回访")

    receivers(hooks.WORK_ORDER_RESOLVED, note)
    services.resolve_work_order(in_progress, actor=agent, resolution="已修复")
    types = list(WorkOrderEvent.objects.filter(work_order=in_progress).values_list("event_type", flat=True))
    assert types[-2:] == ["status_resolve", "note_added"]


def test_a_resolved_receiver_that_raises_rolls_back_the_resolution(receivers, in_progress, agent):
    written = []

    def note(*, work_order, actor):
        written.append(services.add_internal_note(work_order, actor=actor, body="回访计划"))

    receivers(hooks.WORK_ORDER_RESOLVED, note)
    receivers(hooks.WORK_ORDER_RESOLVED, _raise)
    before = _snapshot(in_progress)
    with pytest.raises(Refused):
        services.resolve_work_order(in_progress, actor=agent, resolution="已修复")
    assert _snapshot(in_progress) == before
    assert written and not WorkOrderEvent.objects.filter(pk=written[0].pk).exists()
    assert WorkOrder.objects.get(pk=in_progress.pk).resolution == ""


def test_a_closed_receiver_that_raises_rolls_back_the_close_and_the_reply(receivers, in_progress, agent):
    order = services.resolve_work_order(in_progress, actor=agent, resolution="已修复")
    receivers(hooks.WORK_ORDER_CLOSED, _raise)
    before = _snapshot(order)
    with pytest.raises(Refused):
        services.close_work_order(order, actor=agent, customer_response="已电话告知客户")
    assert _snapshot(order) == before
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.closed_at, row.first_replied_at) == (None, None)


def test_status_changed_fires_for_every_transition_with_old_and_new(receivers, make_order, agent):
    seen = []
    receivers(hooks.WORK_ORDER_STATUS_CHANGED, lambda *, work_order, actor, old, new: seen.append((old, new)))
    order = make_order(accept_now=True)
    order = services.start_work_order(order, actor=agent)
    services.cancel_work_order(order, actor=agent, reason="客户撤回")
    assert seen == [("new", "accepted"), ("accepted", "in_progress"), ("in_progress", "cancelled")]


def test_a_status_changed_receiver_that_raises_leaves_neither_change_nor_event(receivers, in_progress, agent):
    receivers(hooks.WORK_ORDER_STATUS_CHANGED, _raise)
    before = _snapshot(in_progress)
    with pytest.raises(Refused):
        services.request_customer_confirmation(in_progress, actor=agent, note="请客户确认")
    assert _snapshot(in_progress) == before
