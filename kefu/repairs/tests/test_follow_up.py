"""REP / FU: after the repair is completed and the order closed, a follow-up visit is due (the close hook)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.followups import services as followups
from kefu.followups.models import FollowUp
from kefu.repairs import fieldwork
from kefu.tickets import services as tickets

from .conftest import later

pytestmark = pytest.mark.django_db


def _confirmed_and_closed(completed, technician, agent):
    sheet = fieldwork.confirm_by_customer(completed, actor=technician, name="张伟", confirmed_at=later(0))
    order = sheet.work_order
    order.refresh_from_db()
    # Customer confirmation resolves the order; no visit is due while the desk has not closed it.
    assert order.status == "resolved" and not FollowUp.objects.filter(work_order=order).exists()
    return tickets.close_work_order(order, actor=agent, customer_response="已告知张先生维修完成。")


def test_follow_up_visit_is_due_after_the_repair_is_completed(completed, technician, agent, site):
    order = _confirmed_and_closed(completed, technician, agent)
    visit = FollowUp.objects.get(work_order=order)
    assert visit.status == "open" and visit.method == "phone" and visit.customer_id == order.customer_id
    # The technician finished the job; the revisit belongs to the desk that took the call.
    assert visit.assignee == agent
    # Shipped repair rule: planned a day after closing.
    assert visit.planned_on == followups.local_date(site, order.closed_at + timedelta(hours=24))
    assert visit.due_on >= visit.planned_on


def test_dissatisfied_follow_up_reopens_the_repair_for_another_visit(completed, technician, agent):
    order = _confirmed_and_closed(completed, technician, agent)
    visit = FollowUp.objects.get(work_order=order)
    followups.record_attempt(
        visit, actor=agent, reached=True, satisfaction="dissatisfied", score=1, comments="地漏又返水了"
    )
    order.refresh_from_db()
    sheet = order.repair_sheet
    assert order.status == "reopened"
    # The field work starts again from the arrival; the earlier visit stays in the history.
    assert sheet.arrived_at is None and sheet.completed_at is None and sheet.confirmed_at is None
    assert sheet.accepted_at is not None
    assert list(sheet.events.values_list("event_type", flat=True))[-1] == "reopened"
