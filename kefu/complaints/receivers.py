"""Wires the complaint workflow to the work-order hooks: guards on reply / resolve / close, and reopen."""

from __future__ import annotations

from kefu.core import hooks
from kefu.tickets.models import WorkOrderType

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


def _reopened(*, work_order, actor, **_):
    if _is_complaint(work_order):
        services.reopen_case(work_order, actor)


def _demo(**payload):
    from .demo import load_demo_complaints

    load_demo_complaints(**payload)


def register() -> None:
    hooks.register(hooks.WORK_ORDER_REPLYING, _replying)
    hooks.register(hooks.WORK_ORDER_RESOLVING, _resolving)
    hooks.register(hooks.WORK_ORDER_CLOSING, _closing)
    hooks.register(hooks.WORK_ORDER_REOPENED, _reopened)
    hooks.register(hooks.DEMO_DATA_LOADED, _demo)
