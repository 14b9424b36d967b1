"""Hook receivers: the generic 已解决 cannot bypass the after-sales steps."""

from __future__ import annotations

from kefu.core.errors import ServiceError
from kefu.tickets.models import WorkOrderType

from .errors import AfterSalesError
from .models import AfterSalesCase
from .services import may_resolve


def refuse_unfinished_resolve(*, work_order, actor, resolution):
    if work_order.type != WorkOrderType.AFTER_SALES:
        return
    case = AfterSalesCase.objects.filter(work_order_id=work_order.pk).first()
    if not may_resolve(case):
        raise ServiceError(AfterSalesError.CASE_NOT_FINISHED)
