"""Writes the service desk makes in one go, each all-or-nothing: a call taken as a work order, a deferred reply.

They combine a work-order service with an SLA service, so they live here (sla may use tickets, not the reverse).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from kefu.core.errors import ServiceError
from kefu.tickets import services as work_orders
from kefu.tickets.models import Channel, WorkOrder

from .errors import SlaError
from .models import CallRecord
from .services import log_call, match_policy, promise_reply


@transaction.atomic
def create_order_with_call(
    *,
    actor,
    rings=None,
    apology_made: bool = False,
    customer_name: str = "",
    customer_phone: str = "",
    **order_fields,
) -> tuple[WorkOrder, CallRecord | None]:
    """A phone call taken as a work order: the caller (when new), the order and the call record, or nothing.

    The call is registered only for the phone channel and only when the ring count was entered.
    """
    if customer_name:
        order = work_orders.create_work_order_with_new_customer(
            actor=actor, customer_name=customer_name, customer_phone=customer_phone, **order_fields
        )
    else:
        order = work_orders.create_work_order(actor=actor, **order_fields)
    call = None
    if rings is not None and order.channel == Channel.PHONE:
        call = log_call(
            actor=actor, site_id=order.site_id, rings=rings, apology_made=apology_made, work_order_id=order.pk
        )
    return order, call


@transaction.atomic
def defer_reply(
    order: WorkOrder, *, actor, told_customer: str, promised_at: datetime | None, reason: str = "", now=None
) -> None:
    """暂无法答复: note what the customer was told and, where the policy demands it, the promised reply time."""
    if promised_at is None:
        policy = match_policy(order)
        if policy is not None and policy.promised_reply_required:
            raise ServiceError(SlaError.PROMISE_REQUIRED, fields={"promised_at": [SlaError.PROMISE_REQUIRED.message]})
    work_orders.add_internal_note(order, actor=actor, body=told_customer)
    if promised_at is not None:
        promise_reply(order, actor=actor, promised_at=promised_at, reason=reason, now=now)
