"""Scheduled work of the surveys app (registered in apps.py)."""

from __future__ import annotations

from .sending import run_due_campaigns as _run


def run_due_campaigns() -> int:
    return _run()
