"""Who may act on a case, row locking and the history row: shared by every after-sales service."""

from __future__ import annotations

from django.utils import timezone

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import site_ids_for
from kefu.core.errors import CoreError, ServiceError, not_found
from kefu.tickets import selectors as ticket_selectors
from kefu.tickets.errors import WorkOrderError
from kefu.tickets.transitions import is_open

from .errors import AfterSalesError
from .models import AfterSalesCase, AfterSalesEvent, EventType


def require(actor, capability: Capability) -> None:
    if not has_capability(actor, capability):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def require_site(actor, case: AfterSalesCase) -> None:
    """Another site's case does not exist for the actor (404), whatever object the caller passes in."""
    if case.work_order.site_id not in site_ids_for(actor):
        raise not_found()


def require_works_on(actor, case: AfterSalesCase) -> None:
    require_site(actor, case)
    if not ticket_selectors.works_on(actor, case.work_order):
        raise ServiceError(WorkOrderError.NOT_YOUR_ORDER)


def lock(case: AfterSalesCase) -> AfterSalesCase:
    """Re-read the case (and its order) under a row lock: two desks cannot both move the same case."""
    return AfterSalesCase.objects.select_for_update(of=("self",)).select_related("work_order__site").get(pk=case.pk)


def require_open(case: AfterSalesCase) -> None:
    if not is_open(case.work_order.status):
        raise ServiceError(AfterSalesError.ORDER_NOT_OPEN)


def require_stage(case: AfterSalesCase, *stages) -> None:
    if case.stage not in stages:
        raise ServiceError(AfterSalesError.WRONG_STAGE)


def save(case: AfterSalesCase, fields: list[str]) -> None:
    case.updated_at = timezone.now()
    case.save(update_fields=[*fields, "updated_at"])


def event(case: AfterSalesCase, actor, event_type: str, *, old=None, new=None, note: str = "") -> AfterSalesEvent:
    # Only a code of EventType is written, so the history fold always has a label to show (ValueError otherwise).
    event_type = EventType(event_type).value
    return AfterSalesEvent.objects.create(case=case, actor=actor, event_type=event_type, old=old, new=new, note=note)


def begin_handling(case: AfterSalesCase, actor) -> None:
    """The first after-sales step is the start of handling: move the order to 处理中 through the tickets services
    (so its history and SLA clocks see it), and keep the case's copy of the order current."""
    from kefu.tickets import services as tickets
    from kefu.tickets.transitions import Status

    order = case.work_order
    if order.status == Status.NEW:
        order = tickets.accept_work_order(order, actor=actor)
    if order.status in (Status.ACCEPTED, Status.REOPENED):
        order = tickets.start_work_order(order, actor=actor)
    case.work_order = order
