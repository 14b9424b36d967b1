"""The status machine: every (status, action) pair, in the pure table and through the real services."""

from __future__ import annotations

import itertools

import pytest

from kefu.core.errors import ServiceError
from kefu.core.tests.fixtures import fast_password_hashing  # noqa: F401
from kefu.tickets import services
from kefu.tickets.models import WorkOrder, WorkOrderEvent
from kefu.tickets.transitions import OPEN_STATUSES, Action, Status, allowed_actions, is_open, target

S, A = Status, Action

# The machine as the regulations describe it, written out independently of transitions.py:
# 新建 → 已受理 → 处理中 ⇄ 待客户确认 → 已解决 → 已关闭; 已解决/已关闭 → 已重开 → 处理中; open → 已取消.
EXPECTED: dict[Status, dict[Action, Status]] = {
    S.NEW: {A.ACCEPT: S.ACCEPTED, A.CANCEL: S.CANCELLED},
    S.ACCEPTED: {A.START: S.IN_PROGRESS, A.CANCEL: S.CANCELLED},
    S.IN_PROGRESS: {A.WAIT_CUSTOMER: S.AWAITING_CUSTOMER, A.RESOLVE: S.RESOLVED, A.CANCEL: S.CANCELLED},
    S.AWAITING_CUSTOMER: {A.RESUME: S.IN_PROGRESS, A.RESOLVE: S.RESOLVED, A.CANCEL: S.CANCELLED},
    S.RESOLVED: {A.CLOSE: S.CLOSED, A.REOPEN: S.REOPENED},
    S.CLOSED: {A.REOPEN: S.REOPENED},
    S.REOPENED: {A.START: S.IN_PROGRESS, A.CANCEL: S.CANCELLED},
    S.CANCELLED: {},
}
PAIRS = list(itertools.product(Status, Action))


def test_the_expectation_covers_every_status():
    assert set(EXPECTED) == set(Status)


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_table_leads_allowed_pairs_to_their_target_and_refuses_all_others(status, action):
    assert target(status, action) == EXPECTED[status].get(action)


@pytest.mark.parametrize("status", list(Status), ids=[s.value for s in Status])
def test_allowed_actions_per_status_are_exactly_the_expected_set(status):
    assert set(allowed_actions(status)) == set(EXPECTED[status])


def test_unknown_actions_and_statuses_are_refused():
    assert target(S.NEW, "delete") is None
    assert target("archived", A.ACCEPT) is None
    assert allowed_actions("archived") == []


def test_open_statuses_are_those_that_can_still_be_cancelled():
    assert OPEN_STATUSES == {s for s in Status if A.CANCEL in EXPECTED[s]}
    assert [s for s in Status if is_open(s)] == [s for s in Status if s in OPEN_STATUSES]


# --- the same machine, enforced end to end by the services -------------------------------------------------

# How to reach each status from a fresh order with real services (supervisor acts: every capability of the desk).
PATHS: dict[Status, list[Action]] = {
    S.NEW: [],
    S.ACCEPTED: [A.ACCEPT],
    S.IN_PROGRESS: [A.ACCEPT, A.START],
    S.AWAITING_CUSTOMER: [A.ACCEPT, A.START, A.WAIT_CUSTOMER],
    S.RESOLVED: [A.ACCEPT, A.START, A.RESOLVE],
    S.CLOSED: [A.ACCEPT, A.START, A.RESOLVE, A.CLOSE],
    S.REOPENED: [A.ACCEPT, A.START, A.RESOLVE, A.CLOSE, A.REOPEN],
    S.CANCELLED: [A.CANCEL],
}


def perform(order, action, actor, **overrides):
    """Call the service that performs `action`, with valid arguments unless overridden."""
    calls = {
        A.ACCEPT: lambda: services.accept_work_order(order, actor=actor),
        A.START: lambda: services.start_work_order(order, actor=actor),
        A.WAIT_CUSTOMER: lambda: services.request_customer_confirmation(order, actor=actor, note="请客户确认"),
        A.RESUME: lambda: services.resume_work_order(order, actor=actor),
        A.RESOLVE: lambda: services.resolve_work_order(
            order, actor=actor, resolution=overrides.get("resolution", "已更换水管接头")
        ),
        A.CLOSE: lambda: services.close_work_order(
            order, actor=actor, customer_response=overrides.get("customer_response", "已电话告知客户")
        ),
        A.REOPEN: lambda: services.reopen_work_order(
            order, actor=actor, reason=overrides.get("reason", "客户反映仍漏水")
        ),
        A.CANCEL: lambda: services.cancel_work_order(order, actor=actor, reason=overrides.get("reason", "客户撤回")),
    }
    return calls[action]()


@pytest.fixture
def order_in(make_order, supervisor):
    def _make(status):
        order = make_order()
        for action in PATHS[status]:
            order = perform(order, action, supervisor)
        assert order.status == status
        return WorkOrder.objects.get(pk=order.pk)

    return _make


def _state(order):
    row = WorkOrder.objects.get(pk=order.pk)
    return row.status, row.version, row.updated_at, WorkOrderEvent.objects.filter(work_order=order).count()


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_services_enforce_the_table_for_every_pair(order_in, supervisor, status, action):
    order = order_in(status)
    before = _state(order)
    expected = EXPECTED[status].get(action)
    if expected is None:
        with pytest.raises(ServiceError) as exc:
            perform(order, action, supervisor)
        assert exc.value.code == "transition_not_allowed"
        assert _state(order) == before
        return
    result = perform(order, action, supervisor)
    row = WorkOrder.objects.get(pk=order.pk)
    assert result.status == row.status == expected
    assert row.version == before[1] + 1
    last = WorkOrderEvent.objects.filter(work_order=order).order_by("id").last()
    assert (last.event_type, last.old, last.new["status"]) == (f"status_{action.value}", {"status": status}, expected)
    assert last.actor == supervisor


@pytest.mark.parametrize("action", [A.CANCEL, A.REOPEN])
@pytest.mark.parametrize("blank", ["", "   ", "\u3000\n"])
def test_cancel_and_reopen_refuse_a_blank_reason_and_write_nothing(order_in, supervisor, action, blank):
    order = order_in(S.IN_PROGRESS if action == A.CANCEL else S.CLOSED)
    before = _state(order)
    with pytest.raises(ServiceError) as exc:
        perform(order, action, supervisor, reason=blank)
    assert exc.value.code == "reason_required"
    assert "reason" in exc.value.fields
    assert _state(order) == before


def test_the_reason_is_kept_on_the_event(order_in, supervisor):
    order = perform(order_in(S.NEW), A.CANCEL, supervisor, reason="  客户重复来电,已合并  ")
    event = WorkOrderEvent.objects.filter(work_order=order).order_by("id").last()
    assert (event.event_type, event.note) == ("status_cancel", "客户重复来电,已合并")


@pytest.mark.parametrize("blank", ["", "  "])
def test_resolve_requires_the_handling_and_result(order_in, supervisor, blank):
    order = order_in(S.IN_PROGRESS)
    before = _state(order)
    with pytest.raises(ServiceError) as exc:
        perform(order, A.RESOLVE, supervisor, resolution=blank)
    assert exc.value.code == "resolution_required"
    assert _state(order) == before


def test_resolution_is_stored_with_its_time(order_in, supervisor):
    order = perform(order_in(S.AWAITING_CUSTOMER), A.RESOLVE, supervisor, resolution="更换水管接头,已不漏水")
    row = WorkOrder.objects.get(pk=order.pk)
    assert row.resolution == "更换水管接头,已不漏水" and row.resolved_at is not None


def test_close_requires_a_customer_response(order_in, supervisor):
    order = order_in(S.RESOLVED)
    before = _state(order)
    with pytest.raises(ServiceError) as exc:
        perform(order, A.CLOSE, supervisor, customer_response="  ")
    assert exc.value.code == "customer_response_required"
    assert _state(order) == before


def test_close_accepts_an_earlier_reply_to_the_customer(order_in, supervisor):
    order = order_in(S.IN_PROGRESS)
    services.reply_to_customer(order, actor=supervisor, body="师傅下午两点上门")
    order = perform(WorkOrder.objects.get(pk=order.pk), A.RESOLVE, supervisor)
    order = perform(order, A.CLOSE, supervisor, customer_response="")
    row = WorkOrder.objects.get(pk=order.pk)
    assert row.status == S.CLOSED and row.closed_at is not None and row.first_replied_at is not None
    types = list(WorkOrderEvent.objects.filter(work_order=order).values_list("event_type", flat=True))
    assert types.count("replied") == 1


def test_a_reopened_order_needs_a_new_answer_before_it_closes_again(order_in, supervisor):
    order = order_in(S.IN_PROGRESS)
    services.reply_to_customer(order, actor=supervisor, body="已更换灯管")
    order = perform(WorkOrder.objects.get(pk=order.pk), A.RESOLVE, supervisor)
    order = perform(order, A.CLOSE, supervisor, customer_response="")
    order = services.reopen_work_order(order, actor=supervisor, reason="客户来电:灯又不亮了")
    order = perform(order, A.START, supervisor)
    order = perform(order, A.RESOLVE, supervisor)
    before = _state(order)
    with pytest.raises(ServiceError) as exc:
        perform(order, A.CLOSE, supervisor, customer_response="")
    assert exc.value.code == "customer_response_required"
    assert _state(order) == before
    order = perform(order, A.CLOSE, supervisor, customer_response="已告知客户:更换了镇流器")
    assert WorkOrder.objects.get(pk=order.pk).status == S.CLOSED


def test_closing_with_a_response_records_it_as_a_reply(order_in, supervisor):
    order = perform(order_in(S.RESOLVED), A.CLOSE, supervisor, customer_response="已告知客户处理结果")
    reply = WorkOrderEvent.objects.get(work_order=order, event_type="replied")
    assert reply.note == "已告知客户处理结果"


def test_reopen_clears_the_resolved_and_closed_times(order_in, supervisor):
    order = perform(order_in(S.CLOSED), A.REOPEN, supervisor)
    row = WorkOrder.objects.get(pk=order.pk)
    assert (row.status, row.resolved_at, row.closed_at) == (S.REOPENED, None, None)


@pytest.mark.parametrize("status", [S.RESOLVED, S.CLOSED, S.CANCELLED])
def test_assign_and_transfer_are_refused_once_an_order_is_no_longer_open(order_in, supervisor, agent, status):
    order = order_in(status)
    before = _state(order)
    for call in (
        lambda: services.assign_work_order(order, actor=supervisor, assignee_id=agent.id),
        lambda: services.transfer_work_order(order, actor=supervisor, reason="转交", assignee_id=agent.id),
    ):
        with pytest.raises(ServiceError) as exc:
            call()
        assert exc.value.code == "transition_not_allowed"
    assert _state(order) == before


def test_a_cancelled_order_takes_no_reply(order_in, supervisor):
    order = order_in(S.CANCELLED)
    with pytest.raises(ServiceError) as exc:
        services.reply_to_customer(order, actor=supervisor, body="您好")
    assert exc.value.code == "transition_not_allowed"
