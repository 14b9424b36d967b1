"""Scheduled follow-up work: retries coming due and overdue flags. Idempotent: each step is a conditional update
of rows not yet marked, so a repeated or concurrent run never notifies twice."""

from __future__ import annotations

import zoneinfo
from collections import Counter

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kefu.accounts.models import Site
from kefu.accounts.services import get_system_actor
from kefu.core.notifications import notify

from .models import FollowUp, FollowUpEvent, PlanRole, VisitStatus
from .plan_services import role_holders

BATCH = 2_000


def _notify_counts(counts: Counter, *, kind: str, title: str) -> None:
    from kefu.accounts.models import User

    url = reverse("followups:today")
    for user in User.objects.filter(pk__in=list(counts)):
        notify(user, kind=kind, title=title.format(n=counts[user.pk]), url=url, email=False)


@transaction.atomic
def release_retries(now=None) -> int:
    """Unanswered calls whose retry time has come back into the to-do list, with a note to the assignee."""
    now = now or timezone.now()
    rows = list(
        FollowUp.objects.select_for_update()
        .filter(status=VisitStatus.OPEN, next_attempt_at__lte=now)
        .values_list("id", "assignee_id")[:BATCH]
    )
    if not rows:
        return 0
    FollowUp.objects.filter(pk__in=[i for i, _a in rows], next_attempt_at__lte=now).update(next_attempt_at=None)
    _notify_counts(Counter(a for _i, a in rows), kind="follow_up_retry", title="{n} 个回访需要再次联系客户")
    return len(rows)


@transaction.atomic
def flag_overdue(now=None) -> int:
    """Open visits past their due date are flagged once, to the assignee and the department manager (TIER-08)."""
    now = now or timezone.now()
    actor = get_system_actor()
    flagged = 0
    for site in Site.objects.filter(is_active=True):
        today = timezone.localtime(now, zoneinfo.ZoneInfo(site.time_zone)).date()
        rows = list(
            FollowUp.objects.select_for_update()
            .filter(site=site, status=VisitStatus.OPEN, overdue=False, due_on__lt=today)
            .values_list("id", "assignee_id", "customer_id")[:BATCH]
        )
        if not rows:
            continue
        FollowUp.objects.filter(pk__in=[r[0] for r in rows], overdue=False).update(overdue=True)
        FollowUpEvent.objects.bulk_create(
            [
                FollowUpEvent(
                    follow_up_id=i, site=site, customer_id=c, actor=actor, event_type="overdue", created_at=now
                )
                for i, _a, c in rows
            ]
        )
        counts = Counter(a for _i, a, _c in rows)
        _notify_counts(counts, kind="follow_up_overdue", title="{n} 个回访已逾期")
        manager = role_holders(site)[PlanRole.DEPARTMENT_MANAGER]
        if manager is not None:
            notify(
                manager,
                kind="follow_up_overdue",
                title=f"{site.name}：{len(rows)} 个回访已逾期",
                url=reverse("followups:overdue"),
                email=False,
            )
        flagged += len(rows)
    return flagged


def scan_follow_ups(now=None) -> dict:
    now = now or timezone.now()
    return {"retries": release_retries(now), "overdue": flag_overdue(now)}
