"""Reads of repair sheets, scoped by the actor: another site's repair, or another department's for a
technician, is simply not there (404)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import department_ids_for, site_ids_for
from kefu.core.errors import not_found
from kefu.core.prepared import PreparedRead
from kefu.tickets.models import WorkOrderType
from kefu.tickets.transitions import OPEN_STATUSES

from .models import PAID_ON_THE_SPOT, RepairEvent, RepairPart, RepairSheet

_RELATED = (
    "work_order",
    "work_order__customer",
    "work_order__department",
    "work_order__assignee",
    "site",
    "accepted_by",
)


def repair_sheets_for(actor) -> QuerySet[RepairSheet]:
    """Desk, supervisors, managers and finance see every repair of their sites; department staff only the repairs
    dispatched to their own departments (being named assignee is not enough once it was sent elsewhere)."""
    # Joins, not `work_order__in=<queryset>`: SQLite runs such a subquery over every repair of the sites (78 ms at
    # 1M orders) even when one sheet is looked up by its order.
    qs = RepairSheet.objects.filter(work_order__site_id__in=site_ids_for(actor), work_order__type=WorkOrderType.REPAIR)
    if not has_capability(actor, Capability.VIEW_ALL_SITE_ORDERS):
        qs = qs.filter(work_order__department_id__in=department_ids_for(actor))
    return qs


def get_repair_for(actor, work_order_id) -> RepairSheet:
    """By the work order's id (the one id the UI and the API use for an order of any type)."""
    try:
        return repair_sheets_for(actor).select_related(*_RELATED).get(work_order_id=int(work_order_id))
    except (RepairSheet.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None


def may_see_repair_of(actor, order) -> bool:
    """repair_sheets_for's rule for one order in hand."""
    if order.site_id not in site_ids_for(actor) or order.type != WorkOrderType.REPAIR:
        return False
    return has_capability(actor, Capability.VIEW_ALL_SITE_ORDERS) or order.department_id in department_ids_for(actor)


_SHEET_OF_ORDER = PreparedRead(
    lambda order_id: RepairSheet.objects.filter(work_order_id=order_id).select_related("accepted_by")[:1]
)


def repair_of_order(actor, order) -> RepairSheet | None:
    """The sheet of an order in hand (the detail page's, with its customer, department and staff): the actor's
    scope checked on the order, so the read neither joins the order again nor is compiled again."""
    if not may_see_repair_of(actor, order):
        return None
    sheet = next(iter(_SHEET_OF_ORDER(order.pk)), None)
    if sheet is not None:
        sheet.work_order = order
        if sheet.site_id == order.site_id:
            sheet.site = order.site
    return sheet


def can_act(actor, sheet: RepairSheet) -> bool:
    """Who may do the field-work steps: staff of the dispatched department, or desk roles working the whole site."""
    if sheet.work_order.site_id not in site_ids_for(actor):
        return False
    if has_capability(actor, Capability.WORK_ALL_SITE_ORDERS):
        return True
    return sheet.work_order.department_id in department_ids_for(actor)


def open_repairs_for(actor, *, site_ids=None, limit: int = 100) -> list[RepairSheet]:
    """The technician's list: open repairs of his departments (all of the sites for desk roles), urgent first;
    `site_ids` narrows it to some of the actor's sites (one he does not work at gives no rows)."""
    qs = repair_sheets_for(actor).filter(work_order__status__in=OPEN_STATUSES)
    if site_ids:
        qs = qs.filter(site_id__in=site_ids)
    return list(qs.select_related(*_RELATED).order_by("work_order__priority", "work_order_id")[:limit])


def recent_repairs_for(actor, *, limit: int = 20) -> list[RepairSheet]:
    return list(repair_sheets_for(actor).select_related(*_RELATED).order_by("-id")[:limit])


def parts_for(sheet: RepairSheet) -> list[RepairPart]:
    return list(sheet.parts.select_related("added_by"))


def events_for(sheet: RepairSheet) -> QuerySet[RepairEvent]:
    return sheet.events.select_related("actor").order_by("id")


def photos_for(sheet: RepairSheet):
    """The order's files minus the signature (photos of the fault and of the finished work)."""
    qs = sheet.work_order.attachments.select_related("uploaded_by")
    if sheet.signature_id:
        qs = qs.exclude(pk=sheet.signature_id)
    return list(qs)


@dataclass
class HandoverRepairs:
    """What the outgoing shift hands over about repairs (交接: 维修记录及收费情况)."""

    open_sheets: list[RepairSheet]
    fees: list[RepairSheet]  # sheets whose fee was recorded in the shift, free ones left out
    fee_total: Decimal
    collected_total: Decimal  # paid on the spot (cash / WeChat / Alipay): money the shift must hand in


def handover_repairs(actor, site, since, *, until=None) -> HandoverRepairs:
    """Open repair sheets of `site` and the fees recorded since `since` (up to `until`, default now).

    Scoped like every read: a site the actor does not belong to is a 404. Intended for the shift-handover page.
    """
    site_id = getattr(site, "pk", site)
    if site_id not in site_ids_for(actor):
        raise not_found()
    sheets = repair_sheets_for(actor).filter(site_id=site_id).select_related(*_RELATED)
    open_sheets = list(sheets.filter(work_order__status__in=OPEN_STATUSES).order_by("work_order__priority", "id"))
    fee_qs = sheets.filter(fee_recorded_at__gte=since, fee_amount__isnull=False)
    if until is not None:
        fee_qs = fee_qs.filter(fee_recorded_at__lt=until)
    fees = list(fee_qs.order_by("fee_recorded_at", "id"))
    return HandoverRepairs(
        open_sheets=open_sheets,
        fees=fees,
        fee_total=sum((s.fee_amount for s in fees), Decimal("0.00")),
        collected_total=sum((s.fee_amount for s in fees if s.settlement in PAID_ON_THE_SPOT), Decimal("0.00")),
    )


def department_staff(department):
    """Who receives the department's repairs: its active people (the system actor never)."""
    return department.members.filter(is_active=True, is_system=False)


def department_has_staff(department) -> bool:
    """Whether anyone can receive the department's repairs (the dispatch page warns when not)."""
    return department is not None and department_staff(department).exists()
