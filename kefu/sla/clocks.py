"""Deadline arithmetic for one clock row (no queries): where its due and at-risk instants fall."""

from __future__ import annotations

from datetime import datetime, timedelta

from .calendars import BusinessCalendar, add_business_time, business_time_between


def consumed_at(clock, cal: BusinessCalendar, now: datetime) -> timedelta:
    """Open time the clock has used up to `now` (nothing more while paused)."""
    used = timedelta(seconds=clock.consumed_seconds)
    if clock.paused_at is not None or now <= clock.anchor_at:
        return used
    if clock.business_time:
        return used + business_time_between(cal, clock.anchor_at, now)[0]
    return used + (now - clock.anchor_at)


def place(clock, cal: BusinessCalendar) -> None:
    """Set due_at / at_risk_at / uncertain from the anchor, what was consumed and the target."""
    target = timedelta(minutes=clock.target_minutes)
    consumed = timedelta(seconds=clock.consumed_seconds)
    left = max(target - consumed, timedelta(0))
    risk_left = max(target * clock.at_risk_percent / 100 - consumed, timedelta(0))
    if clock.business_time:
        due = add_business_time(cal, clock.anchor_at, left)
        risk = add_business_time(cal, clock.anchor_at, risk_left)
        clock.due_at, clock.at_risk_at, clock.uncertain = due.at, risk.at, due.uncertain
    else:
        clock.due_at, clock.at_risk_at, clock.uncertain = clock.anchor_at + left, clock.anchor_at + risk_left, False
