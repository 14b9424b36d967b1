"""Repair intake (REP-01..03): the desk fills the sheet and dispatches it; the department is told at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.core.models import Notification
from kefu.customers.models import Customer
from kefu.repairs.models import RepairEvent, RepairSheet
from kefu.repairs.services import create_repair
from kefu.tickets.models import WorkOrder

from .conftest import repair_fields

pytestmark = pytest.mark.django_db


def _nothing_written(before_orders=0):
    assert WorkOrder.objects.count() == before_orders
    assert RepairSheet.objects.count() == 0
    assert RepairEvent.objects.count() == 0


def test_repair_is_dispatched_unaccepted_to_the_department(make_repair, engineering, agent):
    sheet = make_repair()
    order = sheet.work_order
    assert (order.type, order.status, order.department, order.assignee) == ("repair", "new", engineering, None)
    assert order.subject == "卫生间地漏返水" and order.unit == "2单元1502" and order.priority == 2
    assert sheet.dispatched_at is not None and sheet.stage == "dispatched"
    assert sheet.contact_phone == "13812345678"
    assert list(sheet.events.values_list("event_type", flat=True)) == ["dispatched"]
    assert list(order.events.values_list("event_type", flat=True)) == ["created"]


@pytest.mark.parametrize("channel", ["phone", "walk_in"])
def test_repair_from_a_call_or_a_visit_records_location_fault_urgency_access_and_contact(make_repair, channel):
    start = timezone.now() + timedelta(hours=3)
    sheet = make_repair(
        channel=channel,
        priority=1,
        access="appointment",
        access_note="业主下午在家",
        appointment_start=start,
        appointment_end=start + timedelta(hours=2),
    )
    sheet.refresh_from_db()
    order = sheet.work_order
    assert (order.channel, order.priority, order.subject) == (channel, 1, "卫生间地漏返水")
    assert (sheet.location_kind, sheet.building, order.unit) == ("unit", "3栋", "2单元1502")
    assert (sheet.access, sheet.access_note, sheet.appointment_start) == ("appointment", "业主下午在家", start)
    assert (sheet.contact_name, sheet.contact_phone) == ("张伟", "13812345678")
    assert sheet.dispatch_note == "带疏通工具，先查楼下天花。"


def test_department_is_notified_in_app_and_by_email_after_commit(
    site, engineering, customer, agent, technician, django_capture_on_commit_callbacks
):
    technician.email = "tech@example.com"
    technician.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        sheet = create_repair(actor=agent, **repair_fields(site, engineering, customer))
    note = Notification.objects.get(recipient=technician)
    assert sheet.work_order.number in note.title and note.url == f"/repairs/{sheet.work_order_id}/"
    assert [m.to for m in mail.outbox] == [["tech@example.com"]]
    assert sheet.events.get().new["notified"] == 1
    assert sheet.events.get().new["leads_told"] == []


def test_a_department_with_nobody_on_duty_makes_the_supervisors_hear_of_it(
    site, security_dept, customer, agent, supervisor
):
    """A repair sent to a department without active staff is not dispatched into silence: the site's
    supervisors and managers are told instead, and the dispatch event records who."""
    sheet = create_repair(actor=agent, **repair_fields(site, security_dept, customer))
    note = Notification.objects.get(recipient=supervisor, kind="repair_unstaffed")
    assert sheet.work_order.number in note.title and "保安部" in note.title
    assert note.url == f"/work-orders/{sheet.work_order_id}/"
    assert sheet.events.get().new["notified"] == 0
    assert sheet.events.get().new["leads_told"] == [supervisor.pk]
    assert not Notification.objects.filter(kind="repair_dispatched").exists()


def test_new_caller_is_filed_in_the_archive_with_the_repair(site, engineering, customer, agent):
    sheet = create_repair(
        actor=agent,
        **repair_fields(
            site, engineering, customer, customer_id=None, customer_name="李娜", customer_phone="13900001111"
        ),
    )
    assert sheet.work_order.customer == Customer.objects.get(name="李娜")


def test_bad_new_caller_phone_writes_neither_customer_nor_repair(site, engineering, customer, agent):
    with pytest.raises(ServiceError):
        create_repair(
            actor=agent,
            **repair_fields(site, engineering, customer, customer_id=None, customer_name="李娜", customer_phone="12"),
        )
    assert not Customer.objects.filter(name="李娜").exists()
    _nothing_written()


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"fault": "  "}, "fault_required", "fault"),
        ({"location_kind": "unit", "unit": ""}, "location_required", "unit"),
        ({"location_kind": "shop", "shop_id": None}, "location_required", "shop"),
        ({"location_kind": "public", "area": "", "facility": "lighting"}, "location_required", "area"),
        ({"location_kind": "public", "area": "B1车库入口", "facility": ""}, "facility_required", "facility"),
        ({"access": "appointment"}, "appointment_required", "appointment_start"),
        ({"contact_name": ""}, "contact_required", "contact_name"),
        ({"contact_phone": "123"}, "contact_phone_invalid", "contact_phone"),
        ({"department_id": None}, "department_required", "department"),
        ({"reporter_type": "alien"}, "invalid_input", "reporter_type"),
    ],
)
def test_repair_content_must_be_clear_before_dispatch(make_repair, changes, code, field):
    with pytest.raises(ServiceError) as exc:
        make_repair(**changes)
    assert exc.value.code == code and field in exc.value.fields
    _nothing_written()


def test_appointment_window_must_end_after_it_starts(make_repair):
    start = timezone.now() + timedelta(hours=2)
    with pytest.raises(ServiceError) as exc:
        make_repair(access="appointment", appointment_start=start, appointment_end=start - timedelta(minutes=30))
    assert exc.value.code == "appointment_order"
    sheet = make_repair(access="appointment", appointment_start=start, appointment_end=start + timedelta(hours=1))
    assert sheet.appointment_end - sheet.appointment_start == timedelta(hours=1)


def test_public_area_damage_names_the_facility(make_repair):
    sheet = make_repair(
        location_kind="public", unit="", building="", area="2号楼大堂", facility="elevator", reporter_type="other"
    )
    assert (sheet.facility, sheet.work_order.location) == ("elevator", "2号楼大堂")


def test_shop_repair_is_located_at_the_shop(make_repair, shop):
    sheet = make_repair(location_kind="shop", unit="", shop_id=shop.id, reporter_type="merchant")
    assert sheet.work_order.shop == shop


def test_department_of_another_site_is_refused(make_repair, other_site):
    from kefu.accounts.models import Department

    foreign = Department.objects.create(site=other_site, name="工程部")
    with pytest.raises(ServiceError) as exc:
        make_repair(department_id=foreign.id)
    assert exc.value.code == "department_required"
    _nothing_written()


def test_technician_cannot_fill_a_repair_sheet(make_repair, technician):
    with pytest.raises(ServiceError) as exc:
        make_repair(actor=technician)
    assert exc.value.status == 403
    _nothing_written()


def test_other_site_cannot_be_reported_to(make_repair, outsider):
    with pytest.raises(ServiceError) as exc:
        make_repair(actor=outsider)
    assert exc.value.status == 404
    _nothing_written()
