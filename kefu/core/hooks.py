"""Explicit hook registry: lets a lower app announce a fact that higher apps react to.

Signals hide control flow; a named hook with registered receivers keeps it visible and testable.
Receivers run inside the caller's transaction, so whatever they write commits or rolls back with it (all but
WORK_ORDER_CREATING, which comes before the write and must not write).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_receivers: dict[str, list[Callable]] = defaultdict(list)

# Hook names used across apps (one place, so a newcomer can find every extension point).
# Fired inside the create's transaction with the order's id set but before its row, its number and its history
# are written (they follow under the day's number lock, which is held until COMMIT): receivers insert rows that
# point at the order (foreign keys are checked at COMMIT) and must not read or update the order's own row.
# A receiver may append its Rows to `work_order.companion_rows` instead of sending them (the SLA clocks do):
# they go with the order's own statements, so a receiver after it sees no clock rows in the database yet.
WORK_ORDER_CREATED = "work_order_created"
# Fired before the create's write transaction with the complete, unsaved order (no id, no number yet): receivers
# fill the order's derived columns (the SLA deadline summary) so it goes in with one INSERT. They only read here;
# what they need to write waits for WORK_ORDER_CREATED. A receiver may refuse the create by raising ServiceError.
WORK_ORDER_CREATING = "work_order_creating"
WORK_ORDER_RESOLVED = "work_order_resolved"
WORK_ORDER_CLOSED = "work_order_closed"
WORK_ORDER_STATUS_CHANGED = "work_order_status_changed"
WORK_ORDER_REPLIED = "work_order_replied"
WORK_ORDER_PRIORITY_CHANGED = "work_order_priority_changed"
CUSTOMER_TIER_CHANGED = "customer_tier_changed"
WORK_ORDER_REOPENED = "work_order_reopened"
# Fired at the end of `load_demo`, inside its transaction; payload: sites (by code), users (by username), rng, now.
DEMO_DATA_LOADED = "demo_data_loaded"

# Guards: fired inside the action's transaction *before* it writes anything. A receiver refuses the action by
# raising ServiceError (type-specific rules, e.g. a complaint's reply needs an approved solution); because the
# guard sits in the service, the web UI, the API and every other caller are held to the same rule.
WORK_ORDER_REPLYING = "work_order_replying"  # payload: work_order, actor, body
WORK_ORDER_RESOLVING = "work_order_resolving"  # payload: work_order, actor, resolution
WORK_ORDER_CLOSING = "work_order_closing"  # payload: work_order, actor


def register(hook: str, receiver: Callable) -> None:
    if receiver not in _receivers[hook]:
        _receivers[hook].append(receiver)


def unregister(hook: str, receiver: Callable) -> None:
    if receiver in _receivers[hook]:
        _receivers[hook].remove(receiver)


def fire(hook: str, **payload) -> None:
    for receiver in list(_receivers[hook]):
        receiver(**payload)
