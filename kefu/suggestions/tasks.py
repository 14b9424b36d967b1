"""Scheduled work: remind the person responsible when an adopted suggestion's implementation is overdue."""

from __future__ import annotations

from django.utils import timezone

from kefu.accounts.services import get_system_actor

from . import selectors, services


def remind_overdue_plans(today=None) -> int:
    """Idempotent: each overdue plan is flagged at most once per day (the service re-checks under a lock)."""
    today = today or timezone.localdate()
    actor = get_system_actor()
    flagged = 0
    for suggestion in selectors.overdue_plans(today).only("id")[:500]:
        flagged += services.flag_overdue_plan(suggestion, actor=actor, today=today)
    return flagged
