"""Unclaimed items: the site's deadline, the scheduled flagging and the recorded disposal decision."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.selectors import get_site_for, supervisors_of_site
from kefu.core.errors import ServiceError, invalid
from kefu.core.notifications import notify

from .errors import LostFoundError as E
from .inputs import choice, text
from .models import DECISIONS_WITH_RECIPIENT, Decision, DisposalRecord, FoundItem, ItemStatus, LostFoundPolicy
from .permissions import can_dispose, require
from .policy import unclaimed_days, unclaimed_days_for
from .services import _add_handover, event, lock_item

DESTROYED = "（销毁）"


@transaction.atomic
def set_unclaimed_days(*, actor, site_id: int, days) -> LostFoundPolicy:
    """How many days an item may wait for its owner before it is flagged; applies to items registered from now on
    and to every 继续保管 decision."""
    require(can_dispose(actor))
    site = get_site_for(actor, site_id)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
        raise ServiceError(E.DAYS_RANGE, fields={"days": [E.DAYS_RANGE.message]})
    old = unclaimed_days(site.id)
    policy, _created = LostFoundPolicy.objects.select_for_update().get_or_create(site=site)
    policy.unclaimed_days = days
    policy.updated_at = timezone.now()
    policy.save(update_fields=["unclaimed_days", "updated_at"])
    event(site.id, actor, "policy_changed", old={"unclaimed_days": old}, new={"unclaimed_days": days})
    return policy


def flag_item_for_disposal(item_id: int, *, actor, now) -> bool:
    """Flag one overdue item. Conditional update: a second run (or two schedulers at once) changes nothing."""
    with transaction.atomic():
        changed = FoundItem.objects.filter(pk=item_id, status=ItemStatus.IN_CUSTODY, disposal_due_at__lte=now).update(
            status=ItemStatus.FLAGGED, flagged_at=now
        )
        if not changed:
            return False
        item = FoundItem.objects.get(pk=item_id)
        event(
            item.site_id,
            actor,
            "item_flagged_for_disposal",
            item=item,
            old={"status": ItemStatus.IN_CUSTODY},
            new={"status": ItemStatus.FLAGGED, "disposal_due_at": item.disposal_due_at},
        )
    return True


def notify_flagged(site_id: int, count: int) -> None:
    for lead in supervisors_of_site(site_id):
        notify(
            lead,
            kind="lostfound_flagged",
            title=_("%(count)s found items are past their deadline and await a disposal decision") % {"count": count},
            body=_("Open lost & found, filter “Due for disposal” and record a decision for each item."),
            url=reverse("lostfound:list") + "?status=flagged",
        )


@transaction.atomic
def decide_disposal(
    item: FoundItem, *, actor, decision: str, reason: str, recipient: str = "", place: str = ""
) -> DisposalRecord:
    """处置: a lead decides what happens to an item left unclaimed past the deadline, and why."""
    require(can_dispose(actor))
    item = lock_item(item, actor)
    if item.status != ItemStatus.FLAGGED:
        raise ServiceError(E.NOT_DUE_FOR_DISPOSAL)
    decision = choice(decision, Decision.choices, "decision", required=E.DECISION_REQUIRED)
    reason = text(reason, "reason", max_length=2000, required=E.REASON_REQUIRED, multiline=True)
    recipient = text(recipient, "recipient", max_length=100)
    place = text(place, "place", max_length=100) or item.storage_place or item.found_place[:100]
    if decision in DECISIONS_WITH_RECIPIENT and not recipient:
        raise ServiceError(E.RECIPIENT_REQUIRED, fields={"recipient": [E.RECIPIENT_REQUIRED.message]})
    if decision == Decision.DESTROY:
        recipient = recipient or DESTROYED
    now = timezone.now()
    old = {"status": item.status, "disposal_due_at": item.disposal_due_at}
    link = None
    if decision == Decision.KEEP:
        item.status = ItemStatus.IN_CUSTODY
        item.flagged_at = None
        item.disposal_due_at = now + unclaimed_days_for(item.site_id)
    else:
        if recipient == item.current_holder:
            raise invalid({"recipient": E.SAME_HOLDER.message})
        link = _add_handover(item, actor, to_holder=recipient, place=place, handed_at=now, note=decision)
        item.status = ItemStatus.DISPOSED
    item.save(update_fields=["status", "flagged_at", "disposal_due_at", "current_holder"])
    record = DisposalRecord.objects.create(
        item=item, decision=decision, reason=reason, recipient=recipient, decided_by=actor, decided_at=now
    )
    event(
        item.site_id,
        actor,
        "item_disposal_decided",
        item=item,
        old=old,
        new={
            "status": item.status,
            "decision": decision,
            "recipient": recipient,
            "disposal_due_at": item.disposal_due_at,
            "handover": link,
        },
        note=reason,
    )
    return record
