"""Inquiries (咨询): answered in one action, parked only with a promised reply time, transferred, anonymous allowed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.sla.models import WorkOrderClock
from kefu.suggestions import inquiry_services as inquiries
from kefu.suggestions.models import Inquiry, InquiryEvent
from kefu.tickets import services as work_orders
from kefu.tickets.models import WorkOrder, WorkOrderEvent
from kefu.tickets.transitions import Status


@pytest.fixture
def inquiry_order(make_order):
    return make_order(type="inquiry", channel="phone", subject="营业时间", accept_now=True)


def _order(order) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


def test_answering_an_inquiry_records_the_reply_and_resolves_it_in_one_action(inquiry_order, agent):
    inquiry = inquiries.answer_inquiry(
        inquiry_order, actor=agent, answer="每天 10:00-22:00 营业", no_further_questions=True
    )
    order = _order(inquiry_order)
    assert order.status == Status.RESOLVED and order.resolution == "每天 10:00-22:00 营业"
    reply = WorkOrderEvent.objects.get(work_order=order, event_type="replied")
    assert reply.note == "每天 10:00-22:00 营业" and order.first_replied_at is not None
    assert (inquiry.answer, inquiry.answered_by, inquiry.no_further_questions) == ("每天 10:00-22:00 营业", agent, True)
    assert list(InquiryEvent.objects.filter(inquiry=inquiry).values_list("event_type", flat=True)) == ["answered"]
    # Answered means the customer heard it: the generic close needs nothing more.
    work_orders.close_work_order(order, actor=agent)
    assert _order(order).status == Status.CLOSED


def test_anonymous_inquiry_can_be_recorded_and_answered(agent, site):
    inquiry = inquiries.record_inquiry(
        actor=agent,
        site_id=site.id,
        question="停车怎么收费?",
        asker_contact="139 1234 5678",
        answer="首小时免费,之后每小时 5 元",
        no_further_questions=True,
    )
    order = inquiry.work_order
    assert order.customer_id is None and order.type == "inquiry"
    assert _order(order).status == Status.RESOLVED
    assert inquiry.asker_contact == "13912345678"
    assert list(InquiryEvent.objects.filter(inquiry=inquiry).values_list("event_type", flat=True)) == [
        "recorded",
        "answered",
    ]


def test_recording_an_inquiry_needs_the_question(agent, site):
    before = WorkOrder.objects.count()
    with pytest.raises(ServiceError) as exc:
        inquiries.record_inquiry(actor=agent, site_id=site.id, question=" ")
    assert exc.value.code == "question_required"
    assert WorkOrder.objects.count() == before


def test_inquiry_answer_requires_confirming_no_further_questions(inquiry_order, agent):
    with pytest.raises(ServiceError) as exc:
        inquiries.answer_inquiry(inquiry_order, actor=agent, answer="10 点开门", no_further_questions=False)
    assert exc.value.code == "confirm_no_further_questions"
    with pytest.raises(ServiceError) as exc:
        inquiries.answer_inquiry(inquiry_order, actor=agent, answer="  ", no_further_questions=True)
    assert exc.value.code == "answer_required"
    assert _order(inquiry_order).status == Status.ACCEPTED
    assert not WorkOrderEvent.objects.filter(work_order=inquiry_order, event_type="replied").exists()


def test_answer_may_point_to_a_unified_answer_script(inquiry_order, agent):
    inquiry = inquiries.answer_inquiry(
        inquiry_order,
        actor=agent,
        answer="按统一口径答复",
        answer_script_key="parking-fees-2026",
        no_further_questions=True,
    )
    assert Inquiry.objects.get(pk=inquiry.pk).answer_script_key == "parking-fees-2026"


def test_inquiry_cannot_be_parked_without_promised_reply_time(inquiry_order, agent):
    before = WorkOrderEvent.objects.filter(work_order=inquiry_order).count()
    with pytest.raises(ServiceError) as exc:
        inquiries.park_inquiry(inquiry_order, actor=agent, told_customer="需向商户核实", promised_at=None)
    assert exc.value.code == "promise_required" and "promised_at" in exc.value.fields
    assert WorkOrderEvent.objects.filter(work_order=inquiry_order).count() == before
    assert not WorkOrderClock.objects.filter(work_order=inquiry_order, metric="promised_reply").exists()
    assert not InquiryEvent.objects.exists()


def test_parked_inquiry_has_a_promised_reply_clock(inquiry_order, agent):
    promised = timezone.now() + timedelta(hours=3)
    inquiries.park_inquiry(inquiry_order, actor=agent, told_customer="需向商户核实,三小时内回电", promised_at=promised)
    clock = WorkOrderClock.objects.get(work_order=inquiry_order, metric="promised_reply")
    assert abs((clock.due_at - promised).total_seconds()) < 1
    order = _order(inquiry_order)
    assert order.status == Status.IN_PROGRESS
    note = WorkOrderEvent.objects.get(work_order=order, event_type="note_added")
    assert note.note == "需向商户核实,三小时内回电"
    # The later answer settles it.
    inquiries.answer_inquiry(order, actor=agent, answer="商户确认可以退换", no_further_questions=True)
    assert _order(order).status == Status.RESOLVED


def test_parking_with_a_past_time_is_refused(inquiry_order, agent):
    with pytest.raises(ServiceError) as exc:
        inquiries.park_inquiry(
            inquiry_order, actor=agent, told_customer="稍后回复", promised_at=timezone.now() - timedelta(minutes=5)
        )
    assert exc.value.code == "promise_in_past"
    assert not InquiryEvent.objects.exists()


def test_inquiry_transfer_goes_to_the_department(inquiry_order, agent, engineering, technician):
    inquiries.transfer_inquiry(inquiry_order, actor=agent, reason="空调问题需工程部解答", department_id=engineering.id)
    order = _order(inquiry_order)
    assert order.department == engineering
    assert WorkOrderEvent.objects.filter(work_order=order, event_type="transferred").exists()
    # The department can now answer it.
    inquiries.answer_inquiry(order, actor=technician, answer="空调每天 9 点开启", no_further_questions=True)
    assert _order(order).status == Status.RESOLVED


def test_answering_a_non_inquiry_is_refused(make_order, agent):
    order = make_order(type="repair", accept_now=True)
    with pytest.raises(ServiceError) as exc:
        inquiries.answer_inquiry(order, actor=agent, answer="好的", no_further_questions=True)
    assert exc.value.code == "not_an_inquiry"


def test_an_answered_inquiry_cannot_be_answered_again_until_reopened(inquiry_order, agent):
    inquiries.answer_inquiry(inquiry_order, actor=agent, answer="10 点", no_further_questions=True)
    with pytest.raises(ServiceError) as exc:
        inquiries.answer_inquiry(_order(inquiry_order), actor=agent, answer="11 点", no_further_questions=True)
    assert exc.value.code == "order_not_open"


def test_other_site_inquiry_is_not_found(inquiry_order, outsider):
    for act in (
        lambda: inquiries.answer_inquiry(inquiry_order, actor=outsider, answer="x", no_further_questions=True),
        lambda: inquiries.park_inquiry(
            inquiry_order, actor=outsider, told_customer="x", promised_at=timezone.now() + timedelta(hours=1)
        ),
    ):
        with pytest.raises(ServiceError) as exc:
            act()
        assert exc.value.code == "not_found"


def test_stale_version_is_refused(inquiry_order, agent):
    with pytest.raises(ServiceError) as exc:
        inquiries.answer_inquiry(
            inquiry_order,
            actor=agent,
            answer="10 点",
            no_further_questions=True,
            expected_version=inquiry_order.version - 1,
        )
    assert exc.value.code == "version_conflict"
