"""The per-site disposal deadline (configurable; 30 days unless the site set another)."""

from __future__ import annotations

from datetime import timedelta

from .models import DEFAULT_UNCLAIMED_DAYS, LostFoundPolicy


def unclaimed_days(site_id) -> int:
    days = LostFoundPolicy.objects.filter(site_id=site_id).values_list("unclaimed_days", flat=True).first()
    return days or DEFAULT_UNCLAIMED_DAYS


def unclaimed_days_for(site_id) -> timedelta:
    return timedelta(days=unclaimed_days(site_id))
