"""Solutions (方案): two or more proposals, one approved by a supervisor or manager, confirmed by the shop where a
shop is involved, told to the customer, answered; a rejection opens the next round (CMP-11, -12, -14, -15).
Compensation granted on a complaint (CMP-13) is recorded here too."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import Role, User
from kefu.accounts.permissions import Capability, has_capability
from kefu.core.errors import CoreError, ServiceError, invalid
from kefu.core.notifications import notify
from kefu.tickets import services as work_orders
from kefu.tickets.models import Channel
from kefu.tickets.transitions import Status

from . import rules
from .errors import ComplaintError
from .models import (
    MONEY_KINDS,
    Compensation,
    CompensationKind,
    Complaint,
    CustomerAnswer,
    Outcome,
    Proposal,
    ProposalStatus,
    ShopConfirmation,
)
from .services import event, lock, require_investigation, require_site, require_works_on
from .services import text as clean_text


def _url(complaint: Complaint) -> str:
    return f"/work-orders/{complaint.pk}/"


@transaction.atomic
def propose_solution(complaint: Complaint, *, actor, text: str) -> Proposal:
    complaint = lock(complaint)
    require_works_on(actor, complaint)
    require_investigation(complaint)
    body = clean_text(text, "text", ComplaintError.PROPOSAL_REQUIRED)
    number = (complaint.proposals.aggregate(n=Max("number"))["n"] or 0) + 1
    proposal = Proposal.objects.create(
        complaint=complaint, round=complaint.round, number=number, text=body, proposed_by=actor
    )
    event(complaint, actor, "proposal_added", new={"proposal": number, "round": complaint.round}, note=body)
    return proposal


def _current(proposal: Proposal, complaint: Complaint, *, status: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.round != complaint.round or proposal.status != status:
        raise ServiceError(ComplaintError.PROPOSAL_NOT_CURRENT)
    return proposal


@transaction.atomic
def approve_proposal(proposal: Proposal, *, actor, note: str = "") -> Proposal:
    """A supervisor or manager picks one of at least two proposals of the round (得到管理人员认可)."""
    complaint = lock(proposal.complaint_id)
    require_site(actor, complaint.site_id)
    if not has_capability(actor, Capability.APPROVE_SOLUTION):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    require_investigation(complaint)
    proposal = _current(proposal, complaint, status=ProposalStatus.PROPOSED)
    if rules.current_approved(complaint) is not None:
        raise ServiceError(ComplaintError.ROUND_ALREADY_APPROVED)
    if complaint.proposals.filter(round=complaint.round).count() < 2:
        raise ServiceError(ComplaintError.TWO_PROPOSALS_REQUIRED)
    proposal.status, proposal.approved_by, proposal.approved_at = ProposalStatus.APPROVED, actor, timezone.now()
    proposal.approval_note = clean_text(note, "note", max_length=2000)
    proposal.save(update_fields=["status", "approved_by", "approved_at", "approval_note"])
    complaint.proposals.filter(round=complaint.round, status=ProposalStatus.PROPOSED).update(
        status=ProposalStatus.SUPERSEDED
    )
    event(complaint, actor, "proposal_approved", new={"proposal": proposal.number}, note=proposal.approval_note)
    # Every involved shop is asked, including one reached only through a coordination task.
    ask_shops_to_confirm(complaint, proposal, rules.involved_shop_ids(complaint))
    return proposal


def ask_shops_to_confirm(complaint: Complaint, proposal: Proposal, shop_ids) -> None:
    """Ask the shops' own logins to confirm the approved solution (also a shop drawn in after the approval)."""
    if not shop_ids:
        return
    title = _("Please confirm the solution of complaint %(number)s") % {"number": complaint.work_order.number}
    for person in User.objects.filter(role=Role.SHOP, shop_id__in=shop_ids, is_active=True):
        notify(person, kind="complaint_confirm", title=title, body=proposal.text, url="/complaints/tasks/")


def _confirming_shop(complaint: Complaint, proposal: Proposal, actor, shop_id) -> int:
    """A shop login confirms for its own shop only; staff name the involved shop (optional when one is left)."""
    involved = rules.involved_shop_ids(complaint)
    if actor.role == Role.SHOP:
        if actor.shop_id is None or actor.shop_id not in involved:
            raise ServiceError(ComplaintError.NOT_THIS_SHOP)
        if shop_id not in (None, "") and str(shop_id) != str(actor.shop_id):
            raise ServiceError(ComplaintError.NOT_THIS_SHOP)
        return actor.shop_id
    if not involved:
        raise ServiceError(ComplaintError.SHOP_NOT_INVOLVED)
    if shop_id in (None, ""):
        pending = list(rules.shops_to_confirm(complaint, proposal).values_list("pk", flat=True))
        if len(pending) != 1:
            error = ComplaintError.SHOP_REQUIRED
            raise ServiceError(error, fields={"shop": [error.message]})
        return pending[0]
    try:
        chosen = int(shop_id)
    except (TypeError, ValueError):
        chosen = None
    if chosen not in involved:
        error = ComplaintError.SHOP_NOT_INVOLVED
        raise ServiceError(error, fields={"shop": [error.message]})
    return chosen


@transaction.atomic
def confirm_by_shop(proposal: Proposal, *, actor, confirmer_name: str = "", shop_id=None) -> ShopConfirmation:
    """商铺负责人认可, one involved shop at a time: the shop's own login confirms for its shop, or staff record
    the named person's confirmation for the shop they choose."""
    complaint = lock(proposal.complaint_id)
    require_site(actor, complaint.site_id)
    if actor.role != Role.SHOP:
        require_works_on(actor, complaint)
    require_investigation(complaint)
    proposal = _current(proposal, complaint, status=ProposalStatus.APPROVED)
    shop = _confirming_shop(complaint, proposal, actor, shop_id)
    if proposal.shop_confirmations.filter(shop_id=shop).exists():
        raise ServiceError(ComplaintError.SHOP_ALREADY_CONFIRMED)
    if actor.role == Role.SHOP:
        name = actor.name
    else:
        name = clean_text(confirmer_name, "confirmer_name", ComplaintError.SHOP_CONFIRMER_REQUIRED, max_length=60)
    row = ShopConfirmation.objects.create(proposal=proposal, shop_id=shop, confirmed_by=actor, confirmer_name=name)
    event(
        complaint,
        actor,
        "shop_confirmed",
        new={"proposal": proposal.number, "shop": shop, "confirmer": name, "own_login": actor.role == Role.SHOP},
    )
    return row


@transaction.atomic
def reply_with_solution(complaint: Complaint, *, actor, body: str, channel: str, apology_repeated: bool) -> Proposal:
    """Tell the customer the approved solution: result, handling, channel, time, apology repeated (CMP-14)."""
    complaint = lock(complaint)
    require_works_on(actor, complaint)
    require_investigation(complaint)
    block = rules.reply_block(complaint)
    if block is not None:
        raise block
    body = clean_text(body, "body", ComplaintError.REPLY_TEXT_REQUIRED)
    if channel not in Channel.values:
        raise invalid({"channel": CoreError.INVALID_INPUT.message})
    if not apology_repeated:
        error = ComplaintError.APOLOGY_REPEAT_REQUIRED
        raise ServiceError(error, fields={"apology_repeated": [error.message]})
    proposal = Proposal.objects.select_for_update().get(pk=rules.current_approved(complaint).pk)
    proposal.replied_by, proposal.replied_at = actor, timezone.now()
    proposal.reply_channel, proposal.reply_text = channel, body
    proposal.save(update_fields=["replied_by", "replied_at", "reply_channel", "reply_text"])
    event(
        complaint,
        actor,
        "solution_replied",
        new={"proposal": proposal.number, "channel": channel, "apology_repeated": True},
        note=body,
    )
    order = complaint.work_order
    work_orders.reply_to_customer(order, actor=actor, body=body)
    order.refresh_from_db()
    if order.status == Status.IN_PROGRESS:
        work_orders.request_customer_confirmation(order, actor=actor, note=_("Waiting for the customer's answer."))
    return proposal


@transaction.atomic
def record_customer_answer(complaint: Complaint, *, actor, accepted: bool, opinion: str = "") -> CustomerAnswer:
    """The customer's answer: acceptance settles it (已解决); a rejection opens the next proposal round."""
    complaint = lock(complaint)
    require_works_on(actor, complaint)
    require_investigation(complaint)
    current = rules.current_approved(complaint)
    if current is None or current.replied_at is None:
        raise ServiceError(ComplaintError.NOT_YET_REPLIED)
    proposal = Proposal.objects.select_for_update().get(pk=current.pk)
    opinion = clean_text(opinion, "opinion", None if accepted else ComplaintError.OPINION_REQUIRED)
    answer = CustomerAnswer.objects.create(
        complaint=complaint, proposal=proposal, round=complaint.round, accepted=accepted, opinion=opinion,
        recorded_by=actor,
    )  # fmt: skip
    order = complaint.work_order
    if accepted:
        proposal.status = ProposalStatus.ACCEPTED
        proposal.save(update_fields=["status"])
        complaint.outcome = Outcome.ACCEPTED
        complaint.save(update_fields=["outcome"])
        event(complaint, actor, "customer_accepted", new={"proposal": proposal.number}, note=opinion)
        order.refresh_from_db()
        work_orders.resolve_work_order(order, actor=actor, resolution=proposal.text)
    else:
        proposal.status = ProposalStatus.REJECTED
        proposal.save(update_fields=["status"])
        complaint.round += 1
        complaint.save(update_fields=["round"])
        # 未得到其中一方同意,务必继续跟进: the order stays open and goes back to handling.
        event(
            complaint, actor, "customer_rejected", new={"proposal": proposal.number, "round": complaint.round},
            note=opinion,
        )  # fmt: skip
        order.refresh_from_db()
        if order.status == Status.AWAITING_CUSTOMER:
            work_orders.resume_work_order(order, actor=actor)
        if order.assignee_id and order.assignee_id != actor.id:
            notify(
                order.assignee,
                kind="complaint_rejected",
                title=_("The customer did not accept the solution of %(number)s") % {"number": order.number},
                body=opinion,
                url=_url(complaint),
            )
    return answer


def _amount(kind: str, raw) -> Decimal | None:
    if raw in (None, ""):
        if kind in MONEY_KINDS:
            error = ComplaintError.AMOUNT_REQUIRED
            raise ServiceError(error, fields={"amount": [error.message]})
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        value = None
    if (
        value is None
        or not value.is_finite()
        or value <= 0
        or value >= Decimal("1e10")
        or value != value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    ):
        error = ComplaintError.AMOUNT_INVALID
        raise ServiceError(error, fields={"amount": [error.message]})
    return value.quantize(Decimal("0.01"))


def _approver(complaint: Complaint, actor, approver_id) -> User:
    if not approver_id:
        if has_capability(actor, Capability.APPROVE_SOLUTION):
            return actor
    else:
        try:
            person = User.objects.get(pk=int(approver_id), sites=complaint.site_id, is_active=True, is_system=False)
        except (User.DoesNotExist, TypeError, ValueError):
            person = None
        if person is not None and has_capability(person, Capability.APPROVE_SOLUTION):
            return person
    error = ComplaintError.APPROVER_REQUIRED
    raise ServiceError(error, fields={"approver": [error.message]})


@transaction.atomic
def record_compensation(
    complaint: Complaint,
    *,
    actor,
    kind: str,
    item: str = "",
    amount=None,
    own_fault: bool = False,
    approver_id: int | None = None,
) -> Compensation:
    """换货 / 退款 / 补偿 / 道歉 …: the amount where money is involved, and who approved it."""
    complaint = lock(complaint)
    require_works_on(actor, complaint)
    if complaint.work_order.status in (Status.CLOSED, Status.CANCELLED):
        raise ServiceError(ComplaintError.COMPLAINT_FINISHED)
    if kind not in CompensationKind.values:
        raise invalid({"kind": CoreError.INVALID_INPUT.message})
    item = clean_text(item, "item", max_length=200)
    value = _amount(kind, amount)
    approver = _approver(complaint, actor, approver_id)
    row = Compensation.objects.create(
        complaint=complaint, kind=kind, item=item, amount=value, own_fault=bool(own_fault), approved_by=approver,
        recorded_by=actor,
    )  # fmt: skip
    event(
        complaint,
        actor,
        "compensation_recorded",
        new={"kind": kind, "amount": str(value) if value is not None else None, "approved_by": approver.pk,
             "own_fault": bool(own_fault)},
        note=item,
    )  # fmt: skip
    return row
