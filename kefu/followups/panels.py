"""What the followups app adds to pages of lower apps: the work-order panel, the customer panel, the timeline
and the satisfaction points behind the churn signal."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import site_ids_for
from kefu.core.extensions import SatisfactionPoint, TimelineEntry
from kefu.core.links import link
from kefu.tickets.models import WorkOrderType

from . import selectors
from .holidays import label_of
from .models import FOLLOW_UP_TYPES, FollowUpAttempt, Satisfaction, VisitStatus


def order_panel(order, request):
    """The follow-up visits of this order with their evaluation forms, and the revisit that opened it, if any."""
    if order.type not in FOLLOW_UP_TYPES:
        return None  # only these types get visits, or are opened by one: no queries on every other order
    actor = request.user
    visits = selectors.follow_ups_of_order(actor, order)
    # Only a complaint can have been opened by a dissatisfied revisit (_open_linked_complaint).
    origin = selectors.opened_from(actor, order) if order.type == WorkOrderType.COMPLAINT else None
    if not visits and origin is None:
        return None
    return {
        "order": order,
        "visits": visits,
        "origin": origin,
        "may_perform": has_capability(actor, Capability.PERFORM_FOLLOW_UP),
    }


def customer_panel(customer, request):
    visits = selectors.visits_of_customer(request.user, customer, 10)
    if not visits:
        return None
    return {"customer": customer, "visits": visits}


def _title(visit) -> str:
    if visit.work_order_id:
        return _("Follow-up of %(number)s") % {"number": visit.work_order.number}
    if visit.holiday:
        return _("Holiday revisit (%(holiday)s)") % {"holiday": label_of(visit.holiday.split(","))}
    return _("Revisit: %(role)s") % {"role": visit.get_role_display()}


def timeline(customer, actor, limit):
    entries = []
    for visit in selectors.visits_of_customer(actor, customer, limit):
        attempts = list(visit.attempt_rows.all())
        last = attempts[-1] if attempts else None
        if visit.status == VisitStatus.UNREACHABLE:
            detail = _("Customer not reachable")
        elif last is not None and last.reached:
            detail = f"{last.get_satisfaction_display()} · {last.score}/5 {last.comments}".strip()
        else:
            detail = ""
        entries.append(
            TimelineEntry(
                at=visit.completed_at or visit.created_at,
                kind="follow_up",
                title=_title(visit),
                detail=detail,
                url=link("followups:detail", visit.pk),
            )
        )
    return entries


def satisfaction_points(customer, actor, limit):
    """Every call or visit to the customer for the churn signal: reached ones are contacts, 不满意 a dissatisfaction."""
    if customer.site_id not in site_ids_for(actor):
        return []
    rows = (
        FollowUpAttempt.objects.filter(follow_up__customer=customer)
        .order_by("-created_at", "-id")
        .values_list("created_at", "reached", "score", "satisfaction")[:limit]
    )
    return [
        SatisfactionPoint(
            at=at,
            kind="follow_up",
            contact=reached,
            score=score if reached else None,
            dissatisfied=reached and satisfaction == Satisfaction.DISSATISFIED,
        )
        for at, reached, score, satisfaction in rows
    ]
