"""Scheduled work: flag items left unclaimed past their site's deadline. Idempotent (conditional updates)."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone

from kefu.accounts.services import get_system_actor

from .disposal_services import flag_item_for_disposal, notify_flagged
from .models import FoundItem, ItemStatus

BATCH = 500


def flag_overdue_items(now=None) -> dict:
    now = now or timezone.now()
    actor = get_system_actor()
    rows = list(
        FoundItem.objects.filter(status=ItemStatus.IN_CUSTODY, disposal_due_at__lte=now)
        .order_by("disposal_due_at")
        .values_list("id", "site_id")[:BATCH]
    )
    per_site: Counter = Counter()
    for item_id, site_id in rows:
        if flag_item_for_disposal(item_id, actor=actor, now=now):
            per_site[site_id] += 1
    for site_id, count in per_site.items():
        with transaction.atomic():
            notify_flagged(site_id, count)
    return {"flagged": sum(per_site.values())}
