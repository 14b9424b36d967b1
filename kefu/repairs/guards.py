"""Hook receivers: keep the generic work-order actions from bypassing the repair workflow."""

from __future__ import annotations

from kefu.core.errors import ServiceError
from kefu.tickets.models import WorkOrderType

from .errors import RepairError
from .models import RepairSheet
from .services import event


def _sheet(work_order) -> RepairSheet | None:
    if work_order.type != WorkOrderType.REPAIR:
        return None
    return RepairSheet.objects.filter(work_order_id=work_order.pk).first()


def refuse_resolving_unfinished_repair(*, work_order, actor, resolution, **_):
    """已解决 on a repair with a sheet needs the work completed (work done + result) on that sheet.

    Repairs recorded before this app (no sheet) keep the generic flow."""
    sheet = _sheet(work_order)
    if sheet is not None and sheet.completed_at is None:
        raise ServiceError(RepairError.NOT_COMPLETED)


def reset_field_work_on_reopen(*, work_order, actor, reason="", **_):
    """A reopened repair needs another visit: arrival, completion and sign-off start again (history keeps them)."""
    sheet = _sheet(work_order)
    if sheet is None or sheet.arrived_at is None:
        return
    old = {
        "arrived_at": sheet.arrived_at,
        "completed_at": sheet.completed_at,
        "confirmed_by_name": sheet.confirmed_by_name,
        "confirmed_at": sheet.confirmed_at,
        "signature": sheet.signature_id,
    }
    sheet.arrived_at = sheet.completed_at = sheet.confirmed_at = sheet.signature = None
    sheet.confirmed_by_name = ""
    sheet.save(update_fields=["arrived_at", "completed_at", "confirmed_by_name", "confirmed_at", "signature"])
    event(sheet, actor, "reopened", old=old, note=reason)
