"""The complaint's gates as plain reads: the services and the work-order guards ask the same questions."""

from __future__ import annotations

from .errors import ComplaintError
from .models import Complaint, Outcome, Path, Proposal, ProposalStatus


def current_approved(complaint: Complaint) -> Proposal | None:
    return (
        Proposal.objects.filter(complaint=complaint, round=complaint.round, status=ProposalStatus.APPROVED)
        .order_by("-id")
        .first()
    )


def reply_block(complaint: Complaint) -> ComplaintError | None:
    """Why the customer may not hear a solution now, or None when a reply is allowed (CMP-11)."""
    if complaint.outcome in (Outcome.ACCEPTED, Outcome.UNRESOLVED):
        return None  # settled: what the customer hears now is the final answer or a courtesy
    if complaint.path != Path.INVESTIGATION:
        return ComplaintError.NO_APPROVED_PROPOSAL
    proposal = current_approved(complaint)
    if proposal is None:
        return ComplaintError.NO_APPROVED_PROPOSAL
    if complaint.work_order.shop_id and not proposal.shop_confirmed:
        return ComplaintError.SHOP_CONFIRMATION_REQUIRED
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
