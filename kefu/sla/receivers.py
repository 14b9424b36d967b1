"""Wires the SLA clock to work-order facts announced through kefu.core.hooks (tickets knows nothing of SLA)."""

from __future__ import annotations

from kefu.core import hooks
from kefu.tickets.transitions import OPEN_STATUSES

from . import services


def _creating(*, work_order, actor, **_):
    services.plan_clocks(work_order, actor=actor)


def _created(*, work_order, actor, **_):
    services.start_clocks(work_order, actor=actor)


def _status_changed(*, work_order, actor, old, new, **_):
    # An order written already accepted announces that step before its clocks exist: nothing to move yet.
    if not services.has_pending_plan(work_order) and work_order.clocks.exists():
        services.on_status_changed(work_order, actor=actor, old=old, new=new)


def _replied(*, work_order, actor, **_):
    services.on_replied(work_order, actor=actor)


def _priority_changed(*, work_order, actor, **_):
    services.recompute_clocks(work_order, actor=actor, reason="priority_changed")


def _tier_changed(*, customer, actor, **_):
    for order in customer.work_orders.filter(status__in=OPEN_STATUSES).select_related("site", "customer"):
        services.recompute_clocks(order, actor=actor, reason="tier_changed")


def register() -> None:
    hooks.register(hooks.WORK_ORDER_CREATING, _creating)
    hooks.register(hooks.WORK_ORDER_CREATED, _created)
    hooks.register(hooks.WORK_ORDER_STATUS_CHANGED, _status_changed)
    hooks.register(hooks.WORK_ORDER_REPLIED, _replied)
    hooks.register(hooks.WORK_ORDER_PRIORITY_CHANGED, _priority_changed)
    hooks.register(hooks.CUSTOMER_TIER_CHANGED, _tier_changed)
