"""The technician's steps and the rules the regulations and the issue set on them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from kefu.core.errors import ServiceError
from kefu.repairs import fieldwork
from kefu.repairs.models import RepairEvent, RepairPart, RepairSheet
from kefu.tickets import services as tickets
from kefu.tickets.models import Attachment

from .conftest import later, png

pytestmark = pytest.mark.django_db


def _events(sheet):
    return list(RepairEvent.objects.filter(sheet=sheet).values_list("event_type", flat=True))


def _refused(code, fn, *args, **kwargs):
    with pytest.raises(ServiceError) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == code, exc.value.as_dict()
    return exc.value


def test_whole_repair_from_dispatch_to_customer_confirmation(completed, technician, agent):
    sheet = fieldwork.confirm_by_customer(
        completed, actor=technician, name="张伟", confirmed_at=later(0), signature=png()
    )
    order = sheet.work_order
    order.refresh_from_db()
    assert order.status == "resolved" and order.assignee == technician
    assert order.resolution == "排水正常，不再返水"
    assert sheet.signature.content_type == "image/png" and sheet.signature.work_order == order
    assert _events(sheet) == [
        "dispatched",
        "accepted",
        "arrived",
        "part_added",
        "fee_recorded",
        "completed",
        "customer_confirmed",
    ]
    assert list(order.events.values_list("event_type", flat=True)) == [
        "created",
        "status_accept",
        "status_start",
        "status_wait_customer",
        "attachment_added",
        "status_resolve",
    ]
    # The desk closes it through the tickets service (the follow-up app reacts to WORK_ORDER_CLOSED).
    tickets.close_work_order(order, actor=agent, customer_response="已回访张先生，对维修满意。")
    order.refresh_from_db()
    assert order.status == "closed"


def test_arrival_cannot_precede_acceptance(make_repair, technician):
    sheet = make_repair()
    _refused("not_accepted", fieldwork.record_arrival, sheet, actor=technician)
    sheet = fieldwork.accept_repair(sheet, actor=technician)
    err = _refused(
        "arrival_before_acceptance",
        fieldwork.record_arrival,
        sheet,
        actor=technician,
        arrived_at=sheet.accepted_at - timedelta(minutes=10),
    )
    assert "arrived_at" in err.fields
    sheet.refresh_from_db()
    assert sheet.arrived_at is None and _events(sheet) == ["dispatched", "accepted"]
    assert sheet.work_order.status == "accepted"


def test_arrival_typed_in_the_minute_of_acceptance_counts_as_that_moment(make_repair, technician):
    sheet = fieldwork.accept_repair(make_repair(), actor=technician)
    typed = sheet.accepted_at.replace(second=0, microsecond=0)
    sheet = fieldwork.record_arrival(sheet, actor=technician, arrived_at=typed)
    assert sheet.arrived_at == sheet.accepted_at


def test_arrival_time_cannot_be_in_the_future(make_repair, technician):
    sheet = fieldwork.accept_repair(make_repair(), actor=technician)
    _refused("time_in_future", fieldwork.record_arrival, sheet, actor=technician, arrived_at=later(60))


def test_repair_is_accepted_once(make_repair, technician):
    sheet = fieldwork.accept_repair(make_repair(), actor=technician)
    _refused("already_accepted", fieldwork.accept_repair, sheet, actor=technician)


def test_completion_requires_work_done_and_result(on_site, technician):
    fieldwork.record_fee(on_site, actor=technician, chargeable=False)
    _refused("work_done_required", fieldwork.complete_repair, on_site, actor=technician, work_done=" ", result="好了")
    _refused("result_required", fieldwork.complete_repair, on_site, actor=technician, work_done="换阀芯", result="")
    on_site.refresh_from_db()
    assert on_site.completed_at is None and on_site.work_done == ""
    assert on_site.work_order.status == "in_progress"


def test_completion_requires_arrival(make_repair, technician):
    sheet = fieldwork.accept_repair(make_repair(), actor=technician)
    _refused("not_arrived", fieldwork.complete_repair, sheet, actor=technician, work_done="换", result="好")


def test_completion_requires_a_fee_decision(on_site, technician):
    _refused("fee_required", fieldwork.complete_repair, on_site, actor=technician, work_done="换", result="好")


def test_chargeable_repair_requires_amount_above_zero_and_settlement(on_site, technician):
    _refused("amount_required", fieldwork.record_fee, on_site, actor=technician, chargeable=True, settlement="cash")
    _refused(
        "amount_required",
        fieldwork.record_fee,
        on_site,
        actor=technician,
        chargeable=True,
        amount="0",
        settlement="cash",
    )
    _refused("settlement_required", fieldwork.record_fee, on_site, actor=technician, chargeable=True, amount="80")
    _refused(
        "settlement_required",
        fieldwork.record_fee,
        on_site,
        actor=technician,
        chargeable=True,
        amount="80",
        settlement="free",
    )
    _refused(
        "invalid_input",
        fieldwork.record_fee,
        on_site,
        actor=technician,
        chargeable=True,
        amount="1.234",
        settlement="cash",
    )
    on_site.refresh_from_db()
    assert (on_site.settlement, on_site.fee_amount) == ("", None)
    sheet = fieldwork.record_fee(
        on_site, actor=technician, chargeable=True, amount="80.5", settlement="monthly", receipt_number="NO.0012"
    )
    assert (sheet.fee_amount, sheet.settlement, sheet.is_paid) == (Decimal("80.50"), "monthly", False)


def test_free_repair_must_have_no_amount(on_site, technician):
    _refused("free_with_amount", fieldwork.record_fee, on_site, actor=technician, chargeable=False, amount="30")
    _refused("free_with_amount", fieldwork.record_fee, on_site, actor=technician, chargeable=False, amount="0")
    _refused("free_with_amount", fieldwork.record_fee, on_site, actor=technician, chargeable=False, settlement="cash")
    sheet = fieldwork.record_fee(on_site, actor=technician, chargeable=False)
    assert (sheet.settlement, sheet.fee_amount, sheet.is_chargeable) == ("free", None, False)


def test_fee_correction_is_a_new_event(on_site, technician):
    fieldwork.record_fee(on_site, actor=technician, chargeable=True, amount="50", settlement="cash")
    fieldwork.record_fee(on_site, actor=technician, chargeable=False)
    last = RepairEvent.objects.filter(sheet=on_site, event_type="fee_recorded").order_by("id").last()
    assert last.old["settlement"] == "cash" and last.new["settlement"] == "free"


def test_parts_quantities_positive(on_site, technician):
    for quantity in ("0", "-1", "", "abc", "1.005"):
        with pytest.raises(ServiceError):
            fieldwork.add_part(on_site, actor=technician, name="软管", quantity=quantity, unit="根")
    _refused("part_name_required", fieldwork.add_part, on_site, actor=technician, name="软管", quantity="1", unit="")
    assert RepairPart.objects.count() == 0
    part = fieldwork.add_part(on_site, actor=technician, name="软管", quantity="1.5", unit="米")
    assert part.quantity == Decimal("1.5")
    fieldwork.remove_part(on_site, actor=technician, part_id=part.pk)
    assert not RepairPart.objects.exists()
    assert RepairEvent.objects.get(event_type="part_removed").old["name"] == "软管"


def test_completed_work_can_no_longer_be_changed(completed, technician):
    _refused("already_completed", fieldwork.add_part, completed, actor=technician, name="螺丝", quantity="2", unit="个")
    _refused("already_completed", fieldwork.record_work, completed, actor=technician, work_done="改", result="改")
    _refused("already_completed", fieldwork.complete_repair, completed, actor=technician, work_done="改", result="改")


def test_customer_confirmation_requires_name_and_time(completed, technician):
    _refused(
        "confirmer_required",
        fieldwork.confirm_by_customer,
        completed,
        actor=technician,
        name=" ",
        confirmed_at=later(0),
    )
    _refused(
        "confirmation_time_required",
        fieldwork.confirm_by_customer,
        completed,
        actor=technician,
        name="张伟",
        confirmed_at=None,
    )
    completed.refresh_from_db()
    assert completed.confirmed_at is None and completed.work_order.status == "awaiting_customer"


def test_customer_confirmation_only_after_completion(completed, technician):
    _refused(
        "confirmation_before_completion",
        fieldwork.confirm_by_customer,
        completed,
        actor=technician,
        name="张伟",
        confirmed_at=completed.completed_at - timedelta(minutes=5),
    )


def test_customer_cannot_confirm_unfinished_work(make_repair, technician):
    sheet = fieldwork.record_arrival(fieldwork.accept_repair(make_repair(), actor=technician), actor=technician)
    _refused(
        "not_completed", fieldwork.confirm_by_customer, sheet, actor=technician, name="张伟", confirmed_at=later(0)
    )


def test_signature_must_be_png_and_nothing_is_stored_otherwise(completed, technician):
    fake = ContentFile(b"GIF89a" + b"\0" * 20, name="signature.png")
    _refused(
        "signature_invalid",
        fieldwork.confirm_by_customer,
        completed,
        actor=technician,
        name="张伟",
        confirmed_at=later(0),
        signature=fake,
    )
    assert not Attachment.objects.exists()
    completed.refresh_from_db()
    assert completed.confirmed_at is None


def test_confirmation_without_signature_still_resolves(completed, technician):
    sheet = fieldwork.confirm_by_customer(completed, actor=technician, name="张伟", confirmed_at=later(0))
    sheet.work_order.refresh_from_db()
    assert sheet.signature is None and sheet.work_order.status == "resolved"
    _refused(
        "order_not_open", fieldwork.confirm_by_customer, sheet, actor=technician, name="张伟", confirmed_at=later(0)
    )


def test_generic_resolve_is_refused_until_the_repair_work_is_completed(on_site, technician):
    with pytest.raises(ServiceError) as exc:
        tickets.resolve_work_order(on_site.work_order, actor=technician, resolution="修好了")
    assert exc.value.code == "not_completed"
    on_site.work_order.refresh_from_db()
    assert on_site.work_order.status == "in_progress"


def test_reopened_repair_needs_another_visit(completed, technician, agent):
    sheet = fieldwork.confirm_by_customer(completed, actor=technician, name="张伟", confirmed_at=later(0))
    tickets.reopen_work_order(sheet.work_order, actor=agent, reason="客户反映又返水")
    sheet = RepairSheet.objects.get(pk=sheet.pk)
    assert (sheet.arrived_at, sheet.completed_at, sheet.confirmed_at) == (None, None, None)
    assert sheet.accepted_at is not None and _events(sheet)[-1] == "reopened"
    sheet = fieldwork.record_arrival(sheet, actor=technician)
    sheet.work_order.refresh_from_db()
    assert sheet.work_order.status == "in_progress"


def test_photo_is_stored_as_an_attachment_of_the_order(on_site, technician):
    attachment = fieldwork.add_photo(on_site, actor=technician, uploaded=png("漏水点.png"))
    assert attachment.work_order == on_site.work_order
    assert RepairEvent.objects.get(event_type="photo_added").new == {"attachment": attachment.pk}
    with pytest.raises(ServiceError):
        fieldwork.add_photo(on_site, actor=technician, uploaded=ContentFile(b"not an image", name="x.exe"))
    assert Attachment.objects.count() == 1
