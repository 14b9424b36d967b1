"""Explicit hook registry: lets a lower app announce a fact that higher apps react to.

Signals hide control flow; a named hook with registered receivers keeps it visible and testable.
Receivers run inside the caller's transaction, so whatever they write commits or rolls back with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_receivers: dict[str, list[Callable]] = defaultdict(list)

# Hook names used across apps (one place, so a newcomer can find every extension point).
WORK_ORDER_CREATED = "work_order_created"
WORK_ORDER_RESOLVED = "work_order_resolved"
WORK_ORDER_CLOSED = "work_order_closed"
WORK_ORDER_STATUS_CHANGED = "work_order_status_changed"
WORK_ORDER_REPLIED = "work_order_replied"
WORK_ORDER_PRIORITY_CHANGED = "work_order_priority_changed"
CUSTOMER_TIER_CHANGED = "customer_tier_changed"


def register(hook: str, receiver: Callable) -> None:
    if receiver not in _receivers[hook]:
        _receivers[hook].append(receiver)


def unregister(hook: str, receiver: Callable) -> None:
    if receiver in _receivers[hook]:
        _receivers[hook].remove(receiver)


def fire(hook: str, **payload) -> None:
    for receiver in list(_receivers[hook]):
        receiver(**payload)
