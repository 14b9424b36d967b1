"""The work-order status machine as one pure table: the UI, the API, the services and the tests read it.

新建 → 已受理 → 处理中 ⇄ 待客户确认 → 已解决 → 已关闭; 已解决/已关闭 → 已重开 → 处理中; open states → 已取消.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting customer confirmation")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    CANCELLED = "cancelled", _("Cancelled")


class Action(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    START = "start", _("Start handling")
    WAIT_CUSTOMER = "wait_customer", _("Ask customer to confirm")
    RESUME = "resume", _("Resume handling")
    RESOLVE = "resolve", _("Resolve")
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")
    CANCEL = "cancel", _("Cancel")


S, A = Status, Action
OPEN_STATUSES = frozenset({S.NEW, S.ACCEPTED, S.IN_PROGRESS, S.AWAITING_CUSTOMER, S.REOPENED})
FINAL_STATUSES = frozenset({S.CANCELLED})

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status]] = {
    A.ACCEPT: (frozenset({S.NEW}), S.ACCEPTED),
    A.START: (frozenset({S.ACCEPTED, S.REOPENED}), S.IN_PROGRESS),
    A.WAIT_CUSTOMER: (frozenset({S.IN_PROGRESS}), S.AWAITING_CUSTOMER),
    A.RESUME: (frozenset({S.AWAITING_CUSTOMER}), S.IN_PROGRESS),
    A.RESOLVE: (frozenset({S.IN_PROGRESS, S.AWAITING_CUSTOMER}), S.RESOLVED),
    A.CLOSE: (frozenset({S.RESOLVED}), S.CLOSED),
    A.REOPEN: (frozenset({S.RESOLVED, S.CLOSED}), S.REOPENED),
    A.CANCEL: (OPEN_STATUSES, S.CANCELLED),
}

# Actions that refuse to run without a reason (已取消 and 已重开 must say why).
REASON_REQUIRED = frozenset({A.CANCEL, A.REOPEN})


def target(status: str, action: str) -> Status | None:
    """The status `action` leads to from `status`, or None when the machine forbids it."""
    try:
        sources, to = TRANSITIONS[Action(action)]
    except ValueError:
        return None
    return to if status in sources else None


def allowed_actions(status: str) -> list[Action]:
    return [action for action, (sources, _to) in TRANSITIONS.items() if status in sources]


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES
