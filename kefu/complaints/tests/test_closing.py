"""Closing a complaint (CMP-12, -17, -19): both texts required, a follow-up visit falls due, and no way around
the rule that an investigated complaint ends accepted or closed unresolved by a manager."""

from __future__ import annotations

import pytest

from kefu.complaints import services, solution_services
from kefu.complaints.models import Complaint
from kefu.core.errors import ServiceError
from kefu.followups.models import FollowUp
from kefu.tickets import services as work_orders
from kefu.tickets.models import WorkOrder

from .test_workflow import _reply


def _accepted(complaint, agent):
    _reply(complaint, agent)
    solution_services.record_customer_answer(complaint, actor=agent, accepted=True)
    return complaint


def test_close_requires_preventive_measure(ready_to_reply, agent):
    complaint = _accepted(ready_to_reply, agent)
    with pytest.raises(ServiceError) as exc:
        services.close_complaint(complaint, actor=agent, root_cause="面料缩水率超标", preventive_measure="  ")
    assert exc.value.code == "measure_required" and set(exc.value.fields) == {"preventive_measure"}
    row = Complaint.objects.get(pk=complaint.pk)
    assert row.root_cause == "" and row.work_order.status == "resolved"
    assert not row.events.filter(event_type="closed").exists()


def test_close_triggers_a_follow_up_visit(ready_to_reply, agent):
    complaint = _accepted(ready_to_reply, agent)
    assert not FollowUp.objects.filter(work_order_id=complaint.pk).exists()
    services.close_complaint(complaint, actor=agent, root_cause="面料问题", preventive_measure="加强进货验货")
    visit = FollowUp.objects.get(work_order_id=complaint.pk)
    assert visit.customer_id == complaint.work_order.customer_id and visit.status == "open"


def test_closing_unresolved_also_triggers_a_follow_up_visit(ready_to_reply, agent, manager):
    _reply(ready_to_reply, agent)
    solution_services.record_customer_answer(ready_to_reply, actor=agent, accepted=False, opinion="要求三倍赔偿")
    services.close_unresolved(
        ready_to_reply, actor=manager, reason="多次协商未果", root_cause="顾客期望超出规定",
        preventive_measure="退换货规定在收银台明示", customer_response="已告知顾客可向消协申诉",
    )  # fmt: skip
    assert FollowUp.objects.filter(work_order_id=ready_to_reply.pk).count() == 1


def test_complaint_under_investigation_cannot_be_cancelled(investigating, agent, manager):
    order = WorkOrder.objects.get(pk=investigating.pk)
    for person in (agent, manager):
        with pytest.raises(ServiceError) as exc:
            work_orders.cancel_work_order(order, actor=person, reason="顾客不再追究")
        assert exc.value.code == "cancel_blocked"
    order.refresh_from_db()
    assert order.status == "in_progress"
    assert not order.events.filter(event_type="status_cancel").exists()


def test_complaint_registered_in_error_may_be_cancelled_before_handling(register, agent):
    complaint = register()
    order = work_orders.cancel_work_order(complaint.work_order, actor=agent, reason="重复登记")
    assert order.status == "cancelled"


def test_settled_complaint_is_not_replanned_without_a_reopen(ready_to_reply, agent):
    complaint = _accepted(ready_to_reply, agent)
    with pytest.raises(ServiceError) as exc:
        solution_services.propose_solution(complaint, actor=agent, text="再补偿一张购物券")
    assert exc.value.code == "complaint_finished"
