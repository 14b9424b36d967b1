"""The complaint's gates as plain reads: the services and the work-order guards ask the same questions."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.accounts.models import Shop
from kefu.core.errors import ServiceError

from .errors import ComplaintError
from .models import Complaint, CoordinationTask, Outcome, Path, Proposal, ProposalStatus


def current_approved(complaint: Complaint) -> Proposal | None:
    return (
        Proposal.objects.filter(complaint=complaint, round=complaint.round, status=ProposalStatus.APPROVED)
        .order_by("-id")
        .first()
    )


def involved_shop_ids(complaint: Complaint) -> set[int]:
    """The work order's shop and every shop a coordination task went to (a task cannot be cancelled)."""
    ids = set(
        CoordinationTask.objects.filter(complaint=complaint, shop__isnull=False).values_list("shop_id", flat=True)
    )
    if complaint.work_order.shop_id:
        ids.add(complaint.work_order.shop_id)
    return ids


def shops_to_confirm(complaint: Complaint, proposal: Proposal) -> QuerySet[Shop]:
    """Involved shops whose responsible person has not confirmed this proposal yet, by shop number."""
    return (
        Shop.objects.filter(pk__in=involved_shop_ids(complaint))
        .exclude(pk__in=proposal.shop_confirmations.values("shop_id"))
        .order_by("number", "id")
    )


def reply_block(complaint: Complaint) -> ServiceError | None:
    """Why the customer may not hear a solution now, or None when a reply is allowed (CMP-11): the approved
    proposal first, then every involved shop's confirmation; the message names the shops still to confirm."""
    if complaint.outcome in (Outcome.ACCEPTED, Outcome.UNRESOLVED):
        return None  # settled: what the customer hears now is the final answer or a courtesy
    if complaint.path != Path.INVESTIGATION:
        return ServiceError(ComplaintError.NO_APPROVED_PROPOSAL)
    proposal = current_approved(complaint)
    if proposal is None:
        return ServiceError(ComplaintError.NO_APPROVED_PROPOSAL)
    pending = [shop.name for shop in shops_to_confirm(complaint, proposal)]
    if pending:
        error = ComplaintError.SHOP_CONFIRMATION_REQUIRED
        return ServiceError(error, message=str(error.message) % {"shops": "、".join(pending)})
    return None


def resolve_block(complaint: Complaint) -> ComplaintError | None:
    return ComplaintError.NOT_ACCEPTED_YET if complaint.outcome == Outcome.OPEN else None


def close_block(complaint: Complaint) -> ComplaintError | None:
    if complaint.outcome == Outcome.OPEN:
        return ComplaintError.NOT_ACCEPTED_YET
    if not complaint.root_cause.strip():
        return ComplaintError.ROOT_CAUSE_REQUIRED
    if not complaint.preventive_measure.strip():
        return ComplaintError.MEASURE_REQUIRED
    return None


def cancel_block(complaint: Complaint) -> ComplaintError | None:
    """Cancelling is for a complaint registered in error or withdrawn before handling; once investigated it must
    end accepted or closed unresolved by a manager (未得到其中一方同意,务必继续跟进)."""
    if complaint.path == Path.INVESTIGATION and complaint.outcome == Outcome.OPEN:
        return ComplaintError.CANCEL_BLOCKED
    return None
