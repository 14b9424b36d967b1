"""Inquiries (咨询): record, answer (reply + resolve in one action), park with a promised reply time, transfer.

An inquiry is a plain work order of type "inquiry" (it may be anonymous); the Inquiry row holds the answer
and is created on first use, so orders taken through the generic quick-create work the same way.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import site_ids_for
from kefu.core.errors import CoreError, ServiceError, not_found
from kefu.customers.errors import CustomerError
from kefu.sla import desk_services
from kefu.tickets import selectors as ticket_selectors
from kefu.tickets import services as work_orders
from kefu.tickets.models import Channel, WorkOrder, WorkOrderType
from kefu.tickets.transitions import Status, is_open

from . import selectors
from .errors import InquiryError
from .models import Inquiry, InquiryEvent
from .services import clean_contact, clean_text

SCRIPT_KEY_MAX = 64
REASON_MAX = 500


def _lock(order: WorkOrder, actor, expected_version: int | None = None) -> tuple[WorkOrder, Inquiry]:
    if order.site_id not in site_ids_for(actor):
        raise not_found()
    order = WorkOrder.objects.select_for_update().select_related("site").get(pk=order.pk)
    if order.type != WorkOrderType.INQUIRY:
        raise ServiceError(InquiryError.NOT_AN_INQUIRY)
    if not ticket_selectors.works_on(actor, order):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    if expected_version is not None and order.version != expected_version:
        raise ServiceError(CoreError.VERSION_CONFLICT)
    if not is_open(order.status):
        raise ServiceError(InquiryError.ORDER_NOT_OPEN)
    inquiry, _created = Inquiry.objects.select_for_update().get_or_create(work_order=order)
    return order, inquiry


def _in_progress(order: WorkOrder, actor) -> WorkOrder:
    if order.status == Status.NEW:
        order = work_orders.accept_work_order(order, actor=actor)
    if order.status in (Status.ACCEPTED, Status.REOPENED):
        order = work_orders.start_work_order(order, actor=actor)
    return order


def _event(inquiry, actor, event_type, *, new=None, note="") -> InquiryEvent:
    return InquiryEvent.objects.create(inquiry=inquiry, actor=actor, event_type=event_type, new=new, note=note)


def _answer_fields(answer, answer_script_key, no_further_questions) -> tuple[str, str]:
    answer = clean_text(answer, "answer", required=InquiryError.ANSWER_REQUIRED)
    key = clean_text(answer_script_key, "answer_script_key", max_length=SCRIPT_KEY_MAX)
    if not no_further_questions:
        raise ServiceError(
            InquiryError.CONFIRM_NO_FURTHER_QUESTIONS,
            fields={"no_further_questions": [InquiryError.CONFIRM_NO_FURTHER_QUESTIONS.message]},
        )
    return answer, key


def _answer(order, inquiry, actor, answer, key) -> Inquiry:
    order = _in_progress(order, actor)
    work_orders.reply_to_customer(order, actor=actor, body=answer)
    order = work_orders.resolve_work_order(order, actor=actor, resolution=answer)
    inquiry.work_order = order
    inquiry.answer, inquiry.answer_script_key = answer, key
    inquiry.answered_by, inquiry.answered_at, inquiry.no_further_questions = actor, timezone.now(), True
    inquiry.save(update_fields=["answer", "answer_script_key", "answered_by", "answered_at", "no_further_questions"])
    _event(inquiry, actor, "answered", new={"answer_script_key": key or None}, note=answer)
    return inquiry


@transaction.atomic
def record_inquiry(
    *,
    actor,
    site_id: int,
    question: str,
    channel: str = Channel.PHONE,
    customer_id: int | None = None,
    asker_name: str = "",
    asker_contact: str = "",
    subject: str = "",
    answer: str = "",
    answer_script_key: str = "",
    no_further_questions: bool = False,
) -> Inquiry:
    """A question from a caller, anonymous if need be; answered on the spot when `answer` is given."""
    if not has_capability(actor, Capability.CREATE_WORK_ORDER):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    question = clean_text(question, "question", required=InquiryError.QUESTION_REQUIRED)
    asker_name = clean_text(asker_name, "asker_name", max_length=100)
    # The caller's contact is a number to call back: a valid phone, normalised like every other in Kefu.
    asker_contact = clean_contact(asker_contact, "asker_contact", phone_only=True)
    if answer:
        answer, answer_script_key = _answer_fields(answer, answer_script_key, no_further_questions)
    order = work_orders.create_work_order(
        actor=actor,
        site_id=site_id,
        type=WorkOrderType.INQUIRY,
        channel=channel,
        subject=clean_text(subject, "subject", max_length=200) or question.splitlines()[0][:60],
        description=question,
        customer_id=customer_id,
        accept_now=True,
    )
    inquiry = Inquiry.objects.create(work_order=order, asker_name=asker_name, asker_contact=asker_contact)
    _event(inquiry, actor, "recorded", new={"anonymous": customer_id is None})
    if answer:
        _answer(order, inquiry, actor, answer, answer_script_key)
    return inquiry


@transaction.atomic
def answer_inquiry(
    order: WorkOrder,
    *,
    actor,
    answer: str,
    no_further_questions: bool,
    answer_script_key: str = "",
    expected_version: int | None = None,
) -> Inquiry:
    """解答: the answer is the reply to the customer and resolves the inquiry, in one action (INT-03, INT-13)."""
    if not has_capability(actor, Capability.REPLY_TO_CUSTOMER):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    order, inquiry = _lock(order, actor, expected_version)
    answer, key = _answer_fields(answer, answer_script_key, no_further_questions)
    return _answer(order, inquiry, actor, answer, key)


@transaction.atomic
def park_inquiry(
    order: WorkOrder,
    *,
    actor,
    told_customer: str,
    promised_at: datetime | None,
    reason: str = "",
    expected_version: int | None = None,
) -> Inquiry:
    """暂无法答复: never without the time the customer was promised an answer, whatever the site's policy."""
    order, inquiry = _lock(order, actor, expected_version)
    told_customer = clean_text(told_customer, "told_customer", required=InquiryError.TOLD_CUSTOMER_REQUIRED)
    if promised_at is None:
        raise ServiceError(
            InquiryError.PROMISE_REQUIRED, fields={"promised_at": [InquiryError.PROMISE_REQUIRED.message]}
        )
    order = _in_progress(order, actor)
    desk_services.defer_reply(
        order, actor=actor, told_customer=told_customer, promised_at=promised_at, reason=clean_text(reason, "reason")
    )
    _event(inquiry, actor, "parked", new={"promised_at": promised_at}, note=told_customer)
    return inquiry


@transaction.atomic
def transfer_inquiry(
    order: WorkOrder,
    *,
    actor,
    reason: str,
    department_id: int | None = None,
    assignee_id: int | None = None,
    expected_version: int | None = None,
) -> Inquiry:
    """转接 to the department (or colleague) that can answer, through the tickets transfer."""
    order, inquiry = _lock(order, actor, expected_version)
    order = work_orders.transfer_work_order(
        order, actor=actor, reason=reason, department_id=department_id, assignee_id=assignee_id
    )
    _event(
        inquiry,
        actor,
        "transferred",
        new={"department": order.department_id, "assignee": order.assignee_id},
        note=(reason or "").strip(),
    )
    return inquiry


@transaction.atomic
def reveal_asker_contact(order: WorkOrder, *, actor, reason: str) -> str:
    """The caller's full number, to call back: only for roles that may unmask customer numbers, and only with a
    reason; who saw it, when and why is an inquiry event (the same rule as the customer archive's reveal)."""
    if not has_capability(actor, Capability.REVEAL_CUSTOMER_PHONE):
        raise ServiceError(CustomerError.REVEAL_NOT_ALLOWED)
    if not ticket_selectors.work_orders_for(actor).filter(pk=order.pk).exists():
        raise not_found()
    inquiry = Inquiry.objects.select_for_update().filter(work_order_id=order.pk).first()
    if inquiry is None or not inquiry.asker_contact:
        raise not_found()
    reason = clean_text(reason, "reason", required=CustomerError.REASON_REQUIRED, max_length=REASON_MAX)
    _event(
        inquiry,
        actor,
        "asker_contact_revealed",
        new={"contact": selectors.masked_contact(inquiry.asker_contact)},
        note=reason,
    )
    return inquiry.asker_contact
