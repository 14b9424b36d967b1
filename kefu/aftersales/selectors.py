"""Reads of after-sales data, scoped by the actor: another site's (or another shop's) row is a 404."""

from __future__ import annotations

from django.db.models import QuerySet

from kefu.accounts.models import Role
from kefu.accounts.selectors import site_ids_for
from kefu.core.errors import not_found
from kefu.core.prepared import PreparedRead
from kefu.tickets.selectors import get_work_order_for

from .models import AfterSalesCase, AfterSalesEvent, RepairRecord, ReturnRequest, ReturnStatus, Shipment, WarrantyRule

_CASE_RELATED = ("work_order__site", "work_order__shop", "work_order__customer", "rule")


def rules_for(actor, *, site_ids=None, active_only: bool = False) -> QuerySet[WarrantyRule]:
    """Rules of the actor's sites; `site_ids` narrows them (a site the actor does not work at gives no rows)."""
    qs = WarrantyRule.objects.filter(site_id__in=site_ids_for(actor)).select_related("site")
    if site_ids:
        qs = qs.filter(site_id__in=site_ids)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("site_id", "category")


def get_rule_for(actor, rule_id) -> WarrantyRule:
    try:
        return rules_for(actor).get(pk=int(rule_id))
    except (WarrantyRule.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


# The detail page's reads of a case, compiled once (kefu.core.prepared).
_CASE_OF_ORDER = PreparedRead(
    lambda order_id: AfterSalesCase.objects.filter(work_order_id=order_id).select_related("rule", "overridden_by")[:1]
)
_REPAIRS = PreparedRead(
    lambda case_id: RepairRecord.objects.filter(case_id=case_id)
    .select_related("technician")
    .order_by("recorded_at", "id")
)
_SHIPMENTS = PreparedRead(lambda case_id: Shipment.objects.filter(case_id=case_id).order_by("direction"))
_RETURN = PreparedRead(lambda case_id: ReturnRequest.objects.filter(case_id=case_id)[:1])
_EVENTS = PreparedRead(
    lambda case_id: AfterSalesEvent.objects.filter(case_id=case_id).select_related("actor").order_by("id")
)


def case_for_order(order) -> AfterSalesCase | None:
    """The case of an order in hand (as get_work_order_for returns it): the order and its site, shop and
    customer are not read again, which took most of the detail page's after-sales panel."""
    case = next(iter(_CASE_OF_ORDER(order.pk)), None)
    if case is not None:
        case.work_order = order
    return case


def _of_case(rows, case):
    for row in rows:
        row.case = case
    return rows


def get_case_for(actor, work_order_id) -> AfterSalesCase:
    """The case of a work order the actor may see (the tickets scope decides), keyed by the work order's id."""
    order = get_work_order_for(actor, work_order_id)
    case = case_for_order(order)
    if case is None:
        raise not_found()
    case.work_order = order
    return case


def case_history(case: AfterSalesCase) -> dict:
    """Everything recorded on the case, in two or three queries (the panel and the API share it)."""
    return {
        "repairs": _of_case(_REPAIRS(case.pk), case),
        "shipments": {s.direction: s for s in _of_case(_SHIPMENTS(case.pk), case)},
        "return_request": next(iter(_of_case(_RETURN(case.pk), case)), None),
        "events": _of_case(_EVENTS(case.pk), case),
    }


def earlier_cases_of_serial(case: AfterSalesCase, *, limit: int = 10) -> list[AfterSalesCase]:
    """The same product's earlier after-sales cases at the site (repeat repairs, AS-08)."""
    if not case.serial_number:
        return []
    return list(
        AfterSalesCase.objects.filter(
            serial_number=case.serial_number, work_order__site_id=case.work_order.site_id, id__lt=case.id
        )
        .select_related("work_order")
        .order_by("-id")[:limit]
    )


def returns_awaiting_shop_for(actor) -> QuerySet[ReturnRequest]:
    """待确认退换货: a shop user sees its own shop's only; desk staff see those of their sites."""
    qs = ReturnRequest.objects.filter(status=ReturnStatus.AWAITING_SHOP).select_related(
        "case__work_order__shop", "case__work_order__site", "case__rule"
    )
    if actor.role == Role.SHOP and not actor.is_superuser:
        if not actor.shop_id:
            return qs.none()
        qs = qs.filter(case__work_order__shop_id=actor.shop_id)
    return qs.filter(case__work_order__site_id__in=site_ids_for(actor)).order_by("id")


def get_return_for(actor, return_id) -> ReturnRequest:
    """A return as its shop user (their shop's only) or as staff who may see the work order."""
    try:
        ret = ReturnRequest.objects.select_related("case__work_order__shop", "case__work_order__site").get(
            pk=int(return_id)
        )
    except (ReturnRequest.DoesNotExist, TypeError, ValueError):
        raise not_found() from None
    order = ret.case.work_order
    if actor.role == Role.SHOP and not actor.is_superuser:
        if not actor.shop_id or actor.shop_id != order.shop_id or order.site_id not in site_ids_for(actor):
            raise not_found()
        return ret
    get_work_order_for(actor, order.pk)  # raises 404 outside the actor's scope
    return ret


def customer_id_by_phone(actor, site_id, raw: str) -> int | None:
    """The archive's customer with exactly this number at the site, if any (the intake reuses the archive)."""
    from kefu.core.phones import parse_phone
    from kefu.customers.models import CustomerPhone

    phone = parse_phone(raw or "")
    if phone is None or int(site_id) not in site_ids_for(actor):
        return None
    return (
        CustomerPhone.objects.filter(site_id=site_id, national=phone.national)
        .order_by("-is_primary", "id")
        .values_list("customer_id", flat=True)
        .first()
    )


def recent_cases_for(actor, *, limit: int = 20) -> list[AfterSalesCase]:
    return list(
        AfterSalesCase.objects.filter(work_order__site_id__in=site_ids_for(actor))
        .select_related("work_order", "rule")
        .order_by("-id")[:limit]
    )
