"""The technician's steps on a repair: accept, arrive, parts, work record, fee, completion, customer sign-off.

Each step is one function and one transaction writing one repair event; where the work order's status must move
(accept → 已受理, arrive → 处理中, complete → 待客户确认, confirm → 已解决) the tickets service does it, inside
the same transaction.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from kefu.accounts.selectors import site_ids_for
from kefu.core.errors import CoreError, ServiceError, invalid, not_found
from kefu.tickets import services as tickets
from kefu.tickets.transitions import Status, is_open

from . import selectors
from .errors import RepairError
from .models import CHARGED, RepairPart, RepairSheet, Settlement
from .services import MAX_TEXT, event, fail, text

# A tablet's clock may run a little ahead of the server's; more than this is a typing error.
CLOCK_SKEW = timedelta(minutes=5)
MAX_AMOUNT = Decimal("9999999.99")
MAX_QUANTITY = Decimal("9999999.99")


def _lock(sheet: RepairSheet, actor) -> RepairSheet:
    """Re-read the sheet under a row lock and check the actor may work it (another site: 404)."""
    if sheet.site_id not in site_ids_for(actor):
        raise not_found()
    locked = RepairSheet.objects.select_for_update().select_related("work_order").get(pk=sheet.pk)
    if not selectors.can_act(actor, locked):
        raise ServiceError(RepairError.NOT_YOUR_DEPARTMENT)
    if not is_open(locked.work_order.status):
        raise ServiceError(RepairError.ORDER_NOT_OPEN)
    return locked


def _not_completed(sheet: RepairSheet) -> None:
    if sheet.completed_at is not None:
        raise ServiceError(RepairError.ALREADY_COMPLETED)


def _time(value, field: str, *, now):
    if value is None:
        return now
    if timezone.is_naive(value):
        raise invalid({field: CoreError.INVALID_INPUT.message})
    if value > now + CLOCK_SKEW:
        raise fail(RepairError.TIME_IN_FUTURE, field)
    return value


def _not_before(value, floor, error, field: str):
    """Times are typed to the minute: within the floor's own minute they count as the floor itself."""
    if value < floor.replace(second=0, microsecond=0):
        raise fail(error, field)
    return max(value, floor)


def _decimal(value, field: str, *, maximum: Decimal) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise invalid({field: CoreError.INVALID_INPUT.message}) from None
    if not number.is_finite() or number.as_tuple().exponent < -2 or abs(number) > maximum:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    return number


@transaction.atomic
def accept_repair(sheet: RepairSheet, *, actor) -> RepairSheet:
    """接单: the technician takes the repair; a new order becomes 已受理 with him as assignee."""
    sheet = _lock(sheet, actor)
    if sheet.accepted_at is not None:
        raise ServiceError(RepairError.ALREADY_ACCEPTED)
    order = sheet.work_order
    if order.status == Status.NEW:
        order = tickets.accept_work_order(order, actor=actor)
    sheet.accepted_at = timezone.now()
    sheet.accepted_by = actor
    sheet.save(update_fields=["accepted_at", "accepted_by"])
    event(sheet, actor, "accepted", new={"accepted_at": sheet.accepted_at, "technician": actor.pk})
    return sheet


@transaction.atomic
def record_arrival(sheet: RepairSheet, *, actor, arrived_at=None) -> RepairSheet:
    """到场 (REP-08): the arrival time, never before the acceptance; the order becomes 处理中."""
    now = timezone.now()
    sheet = _lock(sheet, actor)
    if sheet.accepted_at is None:
        raise ServiceError(RepairError.NOT_ACCEPTED)
    if sheet.arrived_at is not None:
        raise ServiceError(RepairError.ALREADY_ARRIVED)
    arrived_at = _time(arrived_at, "arrived_at", now=now)
    arrived_at = _not_before(arrived_at, sheet.accepted_at, RepairError.ARRIVAL_BEFORE_ACCEPTANCE, "arrived_at")
    order = sheet.work_order
    if order.status in (Status.ACCEPTED, Status.REOPENED):
        tickets.start_work_order(order, actor=actor)
    sheet.arrived_at = arrived_at
    sheet.save(update_fields=["arrived_at"])
    event(sheet, actor, "arrived", new={"arrived_at": arrived_at})
    return sheet


@transaction.atomic
def add_part(sheet: RepairSheet, *, actor, name: str, quantity, unit: str) -> RepairPart:
    sheet = _lock(sheet, actor)
    _not_completed(sheet)
    name = text(name, "name", max_length=100, required=RepairError.PART_NAME_REQUIRED)
    unit = text(unit, "unit", max_length=12, required=RepairError.PART_NAME_REQUIRED)
    number = _decimal(quantity, "quantity", maximum=MAX_QUANTITY)
    if number is None or number <= 0:
        raise fail(RepairError.QUANTITY_POSITIVE, "quantity")
    part = RepairPart.objects.create(sheet=sheet, name=name, quantity=number, unit=unit, added_by=actor)
    event(sheet, actor, "part_added", new={"part": part.pk, "name": name, "quantity": number, "unit": unit})
    return part


@transaction.atomic
def remove_part(sheet: RepairSheet, *, actor, part_id) -> None:
    """A line typed by mistake; the event keeps what it said (the sheet's history is not rewritten)."""
    sheet = _lock(sheet, actor)
    _not_completed(sheet)
    try:
        part = sheet.parts.get(pk=int(part_id))
    except (RepairPart.DoesNotExist, TypeError, ValueError, OverflowError):
        raise not_found() from None
    old = {"part": part.pk, "name": part.name, "quantity": part.quantity, "unit": part.unit}
    part.delete()
    event(sheet, actor, "part_removed", old=old)


def _work_fields(sheet: RepairSheet, *, work_done, result, labour_minutes) -> list[str]:
    sheet.work_done = text(work_done, "work_done", max_length=MAX_TEXT, multiline=True)
    sheet.result = text(result, "result", max_length=MAX_TEXT, multiline=True)
    try:
        minutes = int(labour_minutes or 0)
    except (TypeError, ValueError):
        raise invalid({"labour_minutes": CoreError.INVALID_INPUT.message}) from None
    if not 0 <= minutes <= 60 * 24 * 7:
        raise invalid({"labour_minutes": CoreError.INVALID_INPUT.message})
    sheet.labour_minutes = minutes
    return ["work_done", "result", "labour_minutes"]


@transaction.atomic
def record_work(sheet: RepairSheet, *, actor, work_done: str = "", result: str = "", labour_minutes=0) -> RepairSheet:
    """Save the work record as it stands (a draft the technician completes later)."""
    sheet = _lock(sheet, actor)
    _not_completed(sheet)
    old = {"work_done": sheet.work_done, "result": sheet.result, "labour_minutes": sheet.labour_minutes}
    fields = _work_fields(sheet, work_done=work_done, result=result, labour_minutes=labour_minutes)
    sheet.save(update_fields=fields)
    event(sheet, actor, "work_recorded", old=old, new={f: getattr(sheet, f) for f in fields})
    return sheet


def _apply_fee(sheet: RepairSheet, *, chargeable: bool, amount, settlement: str, receipt_number: str) -> dict:
    """REP-04: a chargeable repair has an amount > 0 and a settlement type; a free one has no amount."""
    number = _decimal(amount, "fee_amount", maximum=MAX_AMOUNT)
    receipt = text(receipt_number, "receipt_number", max_length=40)
    if chargeable:
        if number is None or number <= 0:
            raise fail(RepairError.AMOUNT_REQUIRED, "fee_amount")
        if settlement not in CHARGED:
            if settlement and settlement != Settlement.FREE:
                raise invalid({"settlement": CoreError.INVALID_INPUT.message})
            raise fail(RepairError.SETTLEMENT_REQUIRED, "settlement")
    else:
        if number is not None:
            raise fail(RepairError.FREE_WITH_AMOUNT, "fee_amount")
        if settlement not in ("", Settlement.FREE):
            raise fail(RepairError.FREE_WITH_AMOUNT, "settlement")
        settlement, receipt = Settlement.FREE, ""
    sheet.settlement = settlement
    sheet.fee_amount = number.quantize(Decimal("0.01")) if number is not None else None
    sheet.receipt_number = receipt
    sheet.fee_recorded_at = timezone.now()
    return {"settlement": sheet.settlement, "fee_amount": sheet.fee_amount, "receipt_number": receipt}


@transaction.atomic
def record_fee(
    sheet: RepairSheet, *, actor, chargeable: bool, amount=None, settlement: str = "", receipt_number: str = ""
) -> RepairSheet:
    """Record or correct the fee while the order is open (a receipt number may come after completion)."""
    sheet = _lock(sheet, actor)
    old = {"settlement": sheet.settlement, "fee_amount": sheet.fee_amount, "receipt_number": sheet.receipt_number}
    new = _apply_fee(sheet, chargeable=chargeable, amount=amount, settlement=settlement, receipt_number=receipt_number)
    sheet.save(update_fields=["settlement", "fee_amount", "receipt_number", "fee_recorded_at"])
    event(sheet, actor, "fee_recorded", old=old, new=new)
    return sheet


@transaction.atomic
def complete_repair(sheet: RepairSheet, *, actor, work_done: str, result: str, labour_minutes=0) -> RepairSheet:
    """完工: needs the arrival, the work done, the result and a fee decision; the order awaits the customer."""
    sheet = _lock(sheet, actor)
    _not_completed(sheet)
    if sheet.arrived_at is None:
        raise ServiceError(RepairError.NOT_ARRIVED)
    fields = _work_fields(sheet, work_done=work_done, result=result, labour_minutes=labour_minutes)
    if not sheet.work_done:
        raise fail(RepairError.WORK_DONE_REQUIRED, "work_done")
    if not sheet.result:
        raise fail(RepairError.RESULT_REQUIRED, "result")
    if not sheet.settlement:
        raise fail(RepairError.FEE_REQUIRED, "settlement")
    sheet.completed_at = max(timezone.now(), sheet.arrived_at)
    sheet.save(update_fields=[*fields, "completed_at"])
    order = sheet.work_order
    if order.status == Status.IN_PROGRESS:
        tickets.request_customer_confirmation(order, actor=actor)
    event(
        sheet,
        actor,
        "completed",
        new={f: getattr(sheet, f) for f in fields} | {"completed_at": sheet.completed_at},
    )
    return sheet


@transaction.atomic
def add_photo(sheet: RepairSheet, *, actor, uploaded):
    """A photo of the fault or of the finished work, stored as an attachment of the order."""
    sheet = _lock(sheet, actor)
    attachment = tickets.add_attachment(sheet.work_order, actor=actor, uploaded=uploaded)
    event(sheet, actor, "photo_added", new={"attachment": attachment.pk})
    return attachment


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@transaction.atomic
def confirm_by_customer(sheet: RepairSheet, *, actor, name: str, confirmed_at, signature=None) -> RepairSheet:
    """客户签字确认: name and time, only after completion; the drawn signature (PNG) is kept as an attachment.

    The order is then resolved through the tickets service with the repair's result as its handling record."""
    now = timezone.now()
    sheet = _lock(sheet, actor)
    if sheet.completed_at is None:
        raise ServiceError(RepairError.NOT_COMPLETED)
    if sheet.confirmed_at is not None:
        raise ServiceError(RepairError.ALREADY_CONFIRMED)
    name = text(name, "confirmed_by_name", max_length=60, required=RepairError.CONFIRMER_REQUIRED)
    if confirmed_at is None:
        raise fail(RepairError.CONFIRMATION_TIME_REQUIRED, "confirmed_at")
    confirmed_at = _time(confirmed_at, "confirmed_at", now=now)
    confirmed_at = _not_before(
        confirmed_at, sheet.completed_at, RepairError.CONFIRMATION_BEFORE_COMPLETION, "confirmed_at"
    )
    order = sheet.work_order
    fields = ["confirmed_by_name", "confirmed_at"]
    if signature is not None:
        signature.seek(0)
        if signature.read(8) != PNG_MAGIC:
            raise fail(RepairError.SIGNATURE_INVALID, "signature")
        signature.seek(0)
        sheet.signature = tickets.add_attachment(order, actor=actor, uploaded=signature)
        fields.append("signature")
    sheet.confirmed_by_name, sheet.confirmed_at = name, confirmed_at
    sheet.save(update_fields=fields)
    event(
        sheet,
        actor,
        "customer_confirmed",
        new={"name": name, "confirmed_at": confirmed_at, "signature": sheet.signature_id},
    )
    if order.status in (Status.IN_PROGRESS, Status.AWAITING_CUSTOMER):
        tickets.resolve_work_order(order, actor=actor, resolution=sheet.result)
    return sheet
