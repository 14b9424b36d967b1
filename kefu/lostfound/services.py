"""Found items: register, hand over, add a photo, match to a loss report, reveal the finder's contact, claim.

Each action is one transaction that locks the item first and writes exactly one LostFoundEvent."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kefu.accounts.selectors import get_site_for, site_ids_for
from kefu.core.errors import ServiceError, not_found
from kefu.core.phones import optional_phone
from kefu.tickets.attachments import classify
from kefu.tickets.models import WorkOrder, WorkOrderType
from kefu.tickets.transitions import is_open

from . import identity
from .errors import LostFoundError as E
from .inputs import choice, past_time, text
from .models import (
    CLAIMABLE,
    Claim,
    CustodyHandover,
    FoundItem,
    FoundItemPhoto,
    IdType,
    ItemCategory,
    ItemStatus,
    LostFoundEvent,
    LostPersonReport,
)
from .permissions import can_handle_items, can_reveal, require
from .policy import unclaimed_days_for

PHOTO_TYPES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
PHOTO_MAX_BYTES = 5 * 1024 * 1024
SIGNATURE_MAX_BYTES = 256 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def event(site_id, actor, event_type: str, *, item=None, work_order=None, old=None, new=None, note="") -> None:
    LostFoundEvent.objects.create(
        site_id=site_id,
        item=item,
        work_order=work_order,
        actor=actor,
        event_type=event_type,
        old=old,
        new=new,
        note=note,
    )


def lock_item(item: FoundItem, actor) -> FoundItem:
    """Re-read under a row lock, within the actor's sites (another site's item is a 404 whatever was passed)."""
    try:
        return FoundItem.objects.select_for_update().get(pk=item.pk, site_id__in=site_ids_for(actor))
    except FoundItem.DoesNotExist:
        raise not_found() from None


def search_text(item: FoundItem) -> str:
    parts = [item.number, item.what, item.description, item.found_place, item.storage_place]
    return "\n".join(p for p in parts if p).lower()


def _add_handover(item: FoundItem, actor, *, to_holder: str, place: str, handed_at, to_user=None, note="") -> dict:
    """Append the next link of the chain, always from the item's current holder (the caller holds the lock)."""
    if to_holder == item.current_holder:
        raise ServiceError(E.SAME_HOLDER, fields={"to_holder": [E.SAME_HOLDER.message]})
    sequence = item.handovers.count() + 1
    CustodyHandover.objects.create(
        item=item,
        sequence=sequence,
        from_holder=item.current_holder,
        to_holder=to_holder,
        to_user=to_user,
        handed_at=handed_at,
        place=place,
        note=note,
        recorded_by=actor,
    )
    link = {"step": sequence, "from": item.current_holder, "to": to_holder, "place": place, "at": handed_at}
    item.current_holder = to_holder
    return link


def _checked_photo(uploaded) -> tuple[str, str]:
    size = getattr(uploaded, "size", 0) or 0
    if size <= 0:
        raise ServiceError(E.PHOTO_EMPTY, fields={"photo": [E.PHOTO_EMPTY.message]})
    if size > min(PHOTO_MAX_BYTES, settings.KEFU_ATTACHMENT_MAX_BYTES):
        raise ServiceError(E.PHOTO_TOO_LARGE, fields={"photo": [E.PHOTO_TOO_LARGE.message]})
    uploaded.seek(0)
    head = uploaded.read(64)
    uploaded.seek(0)
    # The work-order attachment check (extension and first bytes, not the browser's claim), narrowed to images.
    kind = classify(uploaded.name, head)
    if kind is None or kind[0] not in PHOTO_TYPES:
        raise ServiceError(E.PHOTO_TYPE, fields={"photo": [E.PHOTO_TYPE.message]})
    return kind


def _store_photo(item: FoundItem, actor, uploaded, kind) -> FoundItemPhoto:
    extension, content_type = kind
    photo = FoundItemPhoto(
        item=item,
        token=secrets.token_hex(16),
        extension=extension,
        original_name=os.path.basename(uploaded.name)[:200],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=actor,
    )
    photo.file.save(photo.token + extension, uploaded, save=False)
    try:
        photo.save()
    except Exception:
        photo.file.delete(save=False)
        raise
    return photo


def _loss_report(site_id, work_order_id) -> WorkOrder | None:
    """An open lost & found order of the same site that is a loss report (not a lost-person case)."""
    if not work_order_id:
        return None
    try:
        order = WorkOrder.objects.filter(pk=int(work_order_id), site_id=site_id, type=WorkOrderType.LOST_FOUND).first()
    except (TypeError, ValueError):
        order = None
    if order is None or not is_open(order.status) or LostPersonReport.objects.filter(work_order=order).exists():
        raise ServiceError(E.NOT_A_LOSS_REPORT, fields={"work_order": [E.NOT_A_LOSS_REPORT.message]})
    return order


def _optional_phone(raw, field: str) -> str:
    return optional_phone(text(raw, field, max_length=40), field, E.PHONE_INVALID)


def register_found_item(
    *,
    actor,
    site_id: int,
    what: str,
    category: str,
    found_place: str,
    finder_name: str,
    found_at=None,
    description: str = "",
    finder_contact: str = "",
    received_by: str = "",
    received_place: str = "",
    storage_place: str = "",
    work_order_id: int | None = None,
    photo=None,
) -> FoundItem:
    """登记: the finder hands the item to the desk (step 1 of the custody chain, unless the finder is the desk)."""
    require(can_handle_items(actor))
    site = get_site_for(actor, site_id)
    now = timezone.now()
    values = dict(
        what=text(what, "what", max_length=100, required=E.WHAT_REQUIRED),
        category=choice(category, ItemCategory.choices, "category"),
        description=text(description, "description", max_length=2000, multiline=True),
        found_place=text(found_place, "found_place", max_length=200, required=E.PLACE_REQUIRED),
        found_at=past_time(found_at, "found_at", now=now),
        finder_name=text(finder_name, "finder_name", max_length=60, required=E.FINDER_REQUIRED),
        finder_contact=_optional_phone(finder_contact, "finder_contact"),
        storage_place=text(storage_place, "storage_place", max_length=100),
    )
    received_by = text(received_by, "received_by", max_length=100) or actor.name
    received_place = text(received_place, "received_place", max_length=100) or values["found_place"][:100]
    kind = _checked_photo(photo) if photo is not None else None
    with transaction.atomic():
        order = _loss_report(site.id, work_order_id)
        item = FoundItem.objects.create(
            site=site,
            number=secrets.token_hex(8),
            current_holder=values["finder_name"],
            disposal_due_at=values["found_at"] + unclaimed_days_for(site.id),
            work_order=order,
            registered_by=actor,
            registered_at=now,
            **values,
        )
        # The number needs the row id: SW-<site>-<id>, unique and gap-free per database.
        item.number = f"SW-{site.code}-{item.pk:06d}"
        first = None
        if received_by != item.current_holder:
            first = _add_handover(
                item,
                actor,
                to_holder=received_by,
                place=received_place,
                handed_at=now,
                to_user=actor if received_by == actor.name else None,
            )
        item.search_text = search_text(item)
        item.save(update_fields=["number", "current_holder", "search_text"])
        photo_row = _store_photo(item, actor, photo, kind) if kind else None
        event(
            site.id,
            actor,
            "item_registered",
            item=item,
            work_order=order,
            new={
                "number": item.number,
                "what": item.what,
                "category": item.category,
                "found_place": item.found_place,
                "found_at": item.found_at,
                "finder": item.finder_name,
                "handover": first,
                "photo": photo_row.pk if photo_row else None,
                "work_order": order.pk if order else None,
                "disposal_due_at": item.disposal_due_at,
            },
        )
    return item


@transaction.atomic
def hand_over_item(
    item: FoundItem,
    *,
    actor,
    from_holder: str,
    to_holder: str,
    place: str,
    handed_at=None,
    storage_place: str | None = None,
    note: str = "",
) -> FoundItem:
    """交接: one change of hands. It must start from whoever holds the item now, so the chain has no gap."""
    require(can_handle_items(actor))
    item = lock_item(item, actor)
    if item.status not in CLAIMABLE:
        raise ServiceError(E.ITEM_CLOSED)
    from_holder = text(from_holder, "from_holder", max_length=100)
    to_holder = text(to_holder, "to_holder", max_length=100, required=E.HOLDER_REQUIRED)
    place = text(place, "place", max_length=100, required=E.PLACE_REQUIRED)
    note = text(note, "note", max_length=200)
    handed_at = past_time(handed_at, "handed_at")
    if from_holder != item.current_holder:
        raise ServiceError(E.NOT_FROM_HOLDER, fields={"from_holder": [E.NOT_FROM_HOLDER.message]})
    old_storage = item.storage_place
    link = _add_handover(
        item,
        actor,
        to_holder=to_holder,
        place=place,
        handed_at=handed_at,
        to_user=actor if to_holder == actor.name else None,
        note=note,
    )
    fields = ["current_holder"]
    if storage_place is not None:
        item.storage_place = text(storage_place, "storage_place", max_length=100)
        item.search_text = search_text(item)
        fields += ["storage_place", "search_text"]
    item.save(update_fields=fields)
    event(
        item.site_id,
        actor,
        "custody_handed_over",
        item=item,
        old={"holder": link["from"], "storage_place": old_storage},
        new={**link, "storage_place": item.storage_place},
        note=note,
    )
    return item


@transaction.atomic
def add_item_photo(item: FoundItem, *, actor, uploaded) -> FoundItemPhoto:
    require(can_handle_items(actor))
    item = lock_item(item, actor)
    kind = _checked_photo(uploaded)
    photo = _store_photo(item, actor, uploaded, kind)
    event(item.site_id, actor, "photo_added", item=item, new={"photo": photo.pk, "name": photo.original_name})
    return photo


@transaction.atomic
def link_item_to_loss_report(item: FoundItem, *, actor, work_order_id: int) -> FoundItem:
    """Match a found item to the customer's loss report (an open lost & found work order of the same site)."""
    require(can_handle_items(actor))
    item = lock_item(item, actor)
    if item.status not in CLAIMABLE:
        raise ServiceError(E.ITEM_CLOSED)
    order = _loss_report(item.site_id, work_order_id)
    if order is None:
        raise ServiceError(E.NOT_A_LOSS_REPORT, fields={"work_order": [E.NOT_A_LOSS_REPORT.message]})
    old = item.work_order_id
    item.work_order = order
    item.save(update_fields=["work_order"])
    event(
        item.site_id,
        actor,
        "item_linked_to_order",
        item=item,
        work_order=order,
        old={"work_order": old},
        new={"work_order": order.pk, "number": order.number},
    )
    return item


@transaction.atomic
def reveal_finder_contact(item: FoundItem, *, actor, reason: str) -> str:
    """The finder's full contact, for roles that may unmask personal data; who, when and why is logged."""
    require(can_reveal(actor))
    item = lock_item(item, actor)
    reason = text(reason, "reason", max_length=500, required=E.REASON_REQUIRED)
    event(
        item.site_id,
        actor,
        "finder_contact_revealed",
        item=item,
        new={"contact": item.finder_contact_masked},
        note=reason,
    )
    return item.finder_contact


def _signature(png) -> bytes | None:
    if png in (None, b""):
        return None
    if not isinstance(png, bytes) or len(png) > SIGNATURE_MAX_BYTES or not png.startswith(PNG_MAGIC):
        raise ServiceError(E.SIGNATURE_IMAGE, fields={"signature_image": [E.SIGNATURE_IMAGE.message]})
    return png


@transaction.atomic
def claim_item(
    item: FoundItem,
    *,
    actor,
    claimant_name: str,
    id_type: str,
    id_number: str,
    identity_checked: bool,
    signature_name: str,
    claimant_phone: str = "",
    proof: str = "",
    place: str = "",
    signature_png: bytes | None = None,
) -> Claim:
    """认领: the owner proves who they are with a document, signs, and the chain ends with them.

    Only the document type and a masked number are stored; the full number never reaches the database."""
    require(can_handle_items(actor))
    item = lock_item(item, actor)
    if item.status not in CLAIMABLE:
        raise ServiceError(E.ITEM_CLOSED)
    claimant_name = text(claimant_name, "claimant_name", max_length=60, required=E.CLAIMANT_REQUIRED)
    id_type = choice(id_type, IdType.choices, "id_type")
    if identity_checked is not True:
        raise ServiceError(E.IDENTITY_NOT_CHECKED, fields={"identity_checked": [E.IDENTITY_NOT_CHECKED.message]})
    masked = identity.mask_id_number(id_type, id_number if isinstance(id_number, str) else "")
    if masked is None:
        raise ServiceError(E.ID_NUMBER_INVALID, fields={"id_number": [E.ID_NUMBER_INVALID.message]})
    signature_name = text(signature_name, "signature_name", max_length=60, required=E.SIGNATURE_REQUIRED)
    if signature_name != claimant_name:
        raise ServiceError(E.SIGNATURE_MISMATCH, fields={"signature_name": [E.SIGNATURE_MISMATCH.message]})
    phone = _optional_phone(claimant_phone, "claimant_phone")
    proof = text(proof, "proof", max_length=2000, multiline=True)
    place = text(place, "place", max_length=100) or item.storage_place or item.found_place[:100]
    png = _signature(signature_png)
    now = timezone.now()
    link = _add_handover(item, actor, to_holder=claimant_name, place=place, handed_at=now, note="认领")
    claim = Claim(
        item=item,
        claimant_name=claimant_name,
        claimant_phone=phone,
        id_type=id_type,
        id_number_masked=masked,
        proof=proof,
        signature_name=signature_name,
        checked_by=actor,
        claimed_at=now,
    )
    if png:
        claim.signature_token = secrets.token_hex(16)
        claim.signature_image.save(claim.signature_token + ".png", ContentFile(png), save=False)
    try:
        claim.save()
    except Exception:
        if png:
            claim.signature_image.delete(save=False)
        raise
    old_status = item.status
    item.status = ItemStatus.CLAIMED
    item.flagged_at = None
    item.save(update_fields=["status", "flagged_at", "current_holder"])
    event(
        item.site_id,
        actor,
        "item_claimed",
        item=item,
        work_order=item.work_order,
        old={"status": old_status},
        new={
            "status": item.status,
            "claimant": claimant_name,
            "id_type": id_type,
            "id_number": masked,
            "signed": True,
            "signature_image": bool(png),
            "handover": link,
        },
    )
    return claim
