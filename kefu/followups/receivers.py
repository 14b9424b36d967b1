"""Wires follow-ups to work-order and customer facts announced through kefu.core.hooks."""

from __future__ import annotations

from kefu.core import hooks

from . import plan_services, services


def _closed(*, work_order, actor, **_):
    services.schedule_after_close(work_order, actor=actor)


def _tier_changed(*, customer, actor, **_):
    plan_services.regenerate_for_customer(customer, actor=actor)


def _demo(**payload):
    from . import demo

    demo.load(**payload)


def register() -> None:
    hooks.register(hooks.WORK_ORDER_CLOSED, _closed)
    hooks.register(hooks.CUSTOMER_TIER_CHANGED, _tier_changed)
    hooks.register(hooks.DEMO_DATA_LOADED, _demo)
