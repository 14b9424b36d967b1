"""The periodic deadline scan. Idempotent: state changes are conditional updates and escalations are unique rows,
so two scans at once, a repeated scan or a scan after a restart never notify twice."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from kefu.accounts.services import get_system_actor

from . import services
from .models import ClockState, Escalation, EscalationLevel, WorkOrderClock

BATCH = 500


def _breached_waiting_for(level: str, after_field: str, now) -> list[int]:
    """Breached, still-open clocks whose delay for `level` has passed and that were not escalated to it yet."""
    already = Escalation.objects.filter(
        work_order_id=OuterRef("work_order_id"),
        metric=OuterRef("metric"),
        cycle=OuterRef("cycle"),
        level=level,
        automatic=True,
    )
    rows = (
        WorkOrderClock.objects.filter(state=ClockState.BREACHED, fulfilled_at__isnull=True, breached_at__lte=now)
        .exclude(Exists(already))
        .order_by("breached_at")
        .values_list("id", "breached_at", after_field)[: BATCH * 4]
    )
    return [i for i, at, after in rows if at + timedelta(minutes=after) <= now][:BATCH]


def scan_deadlines(now=None) -> dict:
    """One pass over clocks whose stored instants have passed; returns what it did, for logs and tests."""
    now = now or timezone.now()
    actor = get_system_actor()
    done = {"at_risk": 0, "breached": 0, "supervisor": 0, "manager": 0}
    ids = list(
        WorkOrderClock.objects.filter(state=ClockState.RUNNING, at_risk_at__lte=now, due_at__gt=now)
        .order_by("at_risk_at")
        .values_list("id", flat=True)[:BATCH]
    )
    done["at_risk"] = sum(services.mark_at_risk(i, actor=actor, now=now) for i in ids)
    ids = list(
        WorkOrderClock.objects.filter(state__in=services.PENDING, due_at__lte=now)
        .order_by("due_at")
        .values_list("id", flat=True)[:BATCH]
    )
    done["breached"] = sum(services.mark_breached(i, actor=actor, now=now) for i in ids)
    for level, field in (
        (EscalationLevel.SUPERVISOR, "supervisor_after_minutes"),
        (EscalationLevel.MANAGER, "manager_after_minutes"),
    ):
        ids = _breached_waiting_for(level, field, now)
        done[level] = sum(services.escalate_breach(i, level, actor=actor) is not None for i in ids)
    return done
