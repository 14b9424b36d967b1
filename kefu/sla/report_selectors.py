"""Reads for the SLA report page: the breach list with the escalation reasons recorded on each order."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from .models import Escalation
from .selectors import breaches_for


def breach_rows(actor, *, start: datetime, end: datetime, site_id=None, limit: int = 500) -> list[dict]:
    """Breached clocks (scoped like breaches_for) and, in one more query, the reasons the orders were escalated."""
    clocks = breaches_for(actor, start=start, end=end, site_id=site_id, limit=limit)
    reasons = defaultdict(list)
    order_ids = {c.work_order_id for c in clocks}
    if order_ids:
        for order_id, reason in (
            Escalation.objects.filter(work_order_id__in=order_ids)
            .exclude(reason="")
            .order_by("created_at", "id")
            .values_list("work_order_id", "reason")
        ):
            if reason not in reasons[order_id]:
                reasons[order_id].append(reason)
    return [{"clock": c, "order": c.work_order, "reasons": reasons.get(c.work_order_id, [])} for c in clocks]
