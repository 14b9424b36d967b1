"""Guards on the generic work-order actions: a lost-person order is finished only through its own outcome."""

from __future__ import annotations

from kefu.core import hooks
from kefu.core.errors import ServiceError
from kefu.tickets.models import WorkOrderType

from .errors import LostFoundError
from .models import LostPersonReport


def _require_outcome(work_order, **_payload) -> None:
    if work_order.type != WorkOrderType.LOST_FOUND:
        return
    pending = LostPersonReport.objects.filter(work_order_id=work_order.pk, found_at__isnull=True).exists()
    if pending:
        raise ServiceError(LostFoundError.PERSON_NOT_FOUND_YET)


def register() -> None:
    hooks.register(hooks.WORK_ORDER_RESOLVING, _require_outcome)
    hooks.register(hooks.WORK_ORDER_CLOSING, _require_outcome)
