"""Reads of lost & found, scoped by the actor's sites: another site's item or report is a 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kefu.accounts.selectors import site_ids_for
from kefu.core.errors import not_found
from kefu.core.prepared import PreparedRead
from kefu.tickets.models import WorkOrder, WorkOrderType
from kefu.tickets.transitions import OPEN_STATUSES

from .models import Claim, FoundItem, FoundItemPhoto, ItemStatus, LostFoundEvent, LostPersonReport
from .permissions import can_handle_items

PAGE_SIZE = 25
MAX_QUERY_TERMS = 5


def items_for(actor) -> QuerySet[FoundItem]:
    if not can_handle_items(actor):
        return FoundItem.objects.none()
    return FoundItem.objects.filter(site_id__in=site_ids_for(actor))


def get_item_for(actor, item_id) -> FoundItem:
    try:
        return items_for(actor).select_related("site", "work_order", "registered_by").get(pk=int(item_id))
    except (FoundItem.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None


def search_items(actor, query: str = "", *, status: str = "", site_id=None) -> QuerySet[FoundItem]:
    """Chinese substring search: every term (split on spaces) must occur in what/description/places/number.

    A plain substring match finds two-character words (钱包, 雨伞) that trigram full-text indexes miss; the
    per-site item count (thousands a year) keeps the scan cheap — see bench/lostfound_search.py."""
    qs = items_for(actor).select_related("site")
    if status in ItemStatus.values:
        qs = qs.filter(status=status)
    if site_id:
        try:
            qs = qs.filter(site_id=int(site_id))
        except (TypeError, ValueError):
            return qs.none()
    for term in (query or "").lower().split()[:MAX_QUERY_TERMS]:
        qs = qs.filter(search_text__contains=term[:50])
    return qs.order_by("-id")


def custody_chain(item: FoundItem):
    return item.handovers.select_related("recorded_by").order_by("sequence")


def history_for_item(item: FoundItem) -> QuerySet[LostFoundEvent]:
    return item.events.select_related("actor").order_by("created_at", "id")


def claim_of(item: FoundItem) -> Claim | None:
    return Claim.objects.filter(item=item).select_related("checked_by").first()


def get_photo_for(actor, photo_id) -> FoundItemPhoto:
    try:
        return FoundItemPhoto.objects.get(pk=int(photo_id), item__in=items_for(actor))
    except (FoundItemPhoto.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None


def get_claim_for(actor, claim_id) -> Claim:
    try:
        return Claim.objects.get(pk=int(claim_id), item__in=items_for(actor))
    except (Claim.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None


def get_lost_person_for(actor, work_order_id) -> LostPersonReport:
    if not can_handle_items(actor):
        raise not_found()
    try:
        return LostPersonReport.objects.select_related("work_order", "work_order__site", "resolved_by").get(
            work_order_id=int(work_order_id), work_order__site_id__in=site_ids_for(actor)
        )
    except (LostPersonReport.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None


_LOST_PERSON_OF_ORDER = PreparedRead(
    lambda order_id: LostPersonReport.objects.filter(work_order_id=order_id)
    .select_related("resolved_by")
    .order_by("pk")[:1]
)


def lost_person_for_order(order: WorkOrder) -> LostPersonReport | None:
    return next(iter(_LOST_PERSON_OF_ORDER(order.pk)), None)


def broadcasts_of(report: LostPersonReport):
    return report.broadcasts.select_related("by").order_by("broadcast_at", "id")


def lost_persons_for(actor) -> QuerySet[LostPersonReport]:
    if not can_handle_items(actor):
        return LostPersonReport.objects.none()
    return (
        LostPersonReport.objects.filter(work_order__site_id__in=site_ids_for(actor))
        .select_related("work_order", "work_order__site")
        .order_by("-work_order_id")
    )


def items_of_order(actor, order: WorkOrder) -> QuerySet[FoundItem]:
    return items_for(actor).filter(work_order=order).order_by("id")


def matchable_items(actor, order: WorkOrder, query: str = "") -> QuerySet[FoundItem]:
    """Unclaimed items of the order's site that are not yet matched to another report, newest first."""
    qs = search_items(actor, query, site_id=order.site_id).filter(
        status__in=[ItemStatus.IN_CUSTODY, ItemStatus.FLAGGED]
    )
    return qs.filter(Q(work_order__isnull=True) | Q(work_order=order))


def open_loss_reports(actor, site_id) -> QuerySet[WorkOrder]:
    """Open lost & found orders of the site that are loss reports (not lost-person cases), for the link picker."""
    if not can_handle_items(actor) or int(site_id) not in site_ids_for(actor):
        return WorkOrder.objects.none()
    return (
        WorkOrder.objects.filter(site_id=site_id, type=WorkOrderType.LOST_FOUND, status__in=OPEN_STATUSES)
        .exclude(lost_person__isnull=False)
        .order_by("-id")
    )
