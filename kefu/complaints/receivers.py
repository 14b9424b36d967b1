"""Wires the complaint workflow to the work-order hooks: guards on reply / resolve / close / cancel, and reopen."""

from __future__ import annotations

from kefu.core import hooks
from kefu.tickets.models import WorkOrderType
from kefu.tickets.transitions import Status

from . import services


def _is_complaint(order) -> bool:
    return order.type == WorkOrderType.COMPLAINT


def _replying(*, work_order, actor, body, **_):
    if _is_complaint(work_order):
        services.guard("reply", work_order)


def _resolving(*, work_order, actor, resolution, **_):
    if _is_complaint(work_order):
        services.guard("resolve", work_order)


def _closing(*, work_order, actor, **_):
    if _is_complaint(work_order):
        services.guard("close", work_order)


def _status_changed(*, work_order, new, **_):
    # Fired inside the transition's transaction: refusing here rolls the cancel back whole.
    if new == Status.CANCELLED and _is_complaint(work_order):
        services.guard("cancel", work_order)


def _reopened(*, work_order, actor, **_):
    if _is_complaint(work_order):
        services.reopen_case(work_order, actor)


def _demo(**payload):
    from .demo import load_demo_complaints
    from .demo_backfill import backfill_case_files

    load_demo_complaints(**payload)
    backfill_case_files(**payload)


def register() -> None:
    hooks.register(hooks.WORK_ORDER_REPLYING, _replying)
    hooks.register(hooks.WORK_ORDER_RESOLVING, _resolving)
    hooks.register(hooks.WORK_ORDER_CLOSING, _closing)
    hooks.register(hooks.WORK_ORDER_STATUS_CHANGED, _status_changed)
    hooks.register(hooks.WORK_ORDER_REOPENED, _reopened)
    hooks.register(hooks.DEMO_DATA_LOADED, _demo)
