"""Repair intake (报修受理): the desk fills the 《维修工作单》 and dispatches it to a department at once.

Field work (accept, arrive, parts, fee, completion, customer sign-off) is in `fieldwork.py`. Both keep the
order's status moving through the tickets services, so its history, SLA clocks and hooks stay right.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.models import Department, Shop
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import get_site_for, supervisors_of_site
from kefu.core import notifications
from kefu.core.errors import CoreError, ErrorCode, FieldChecks, ServiceError, invalid
from kefu.core.phones import optional_phone
from kefu.core.validators import plain_text, single_line
from kefu.tickets import services as tickets
from kefu.tickets.models import Channel, Priority, WorkOrder, WorkOrderType

from .errors import RepairError
from .models import Access, Facility, LocationKind, RepairEvent, RepairSheet, ReporterType
from .selectors import department_staff

MAX_TEXT = 5_000


def fail(error: ErrorCode, field: str | None = None) -> ServiceError:
    return ServiceError(error, fields={field: [error.message]} if field else None)


def text(value, field: str, *, max_length: int, required: ErrorCode | None = None, multiline=False) -> str:
    value = (value or "").strip()
    if required is not None and not value:
        raise fail(required, field)
    if len(value) > max_length:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    try:
        (plain_text if multiline else single_line)(value)
    except ValidationError as exc:
        raise invalid({field: exc.messages}) from None
    return value


def choice(value, choices, field: str, *, required: ErrorCode | None = None) -> str:
    if not value and required is not None:
        raise fail(required, field)
    if value and value not in {c for c, _label in choices}:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    return value or ""


def event(sheet: RepairSheet, actor, event_type: str, *, old=None, new=None, note: str = "") -> RepairEvent:
    return RepairEvent.objects.create(sheet=sheet, actor=actor, event_type=event_type, old=old, new=new, note=note)


def _location(site, *, location_kind, building, unit, floor, shop_id, area, facility) -> dict:
    """REP-03: the location must be clear before dispatch — a unit, a shop, or a public area with its facility."""
    kind = choice(location_kind, LocationKind.choices, "location_kind", required=RepairError.LOCATION_REQUIRED)
    out = {
        "building": text(building, "building", max_length=40),
        "unit": text(unit, "unit", max_length=40),
        "floor": text(floor, "floor", max_length=20),
        "area": text(area, "area", max_length=200),
        "facility": choice(facility, Facility.choices, "facility"),
        "shop": None,
    }
    if kind == LocationKind.UNIT and not out["unit"]:
        raise fail(RepairError.LOCATION_REQUIRED, "unit")
    if kind == LocationKind.SHOP:
        if not shop_id:
            raise fail(RepairError.LOCATION_REQUIRED, "shop")
        try:
            out["shop"] = Shop.objects.get(pk=int(shop_id), site=site, is_active=True)
        except (Shop.DoesNotExist, TypeError, ValueError, OverflowError):
            raise invalid({"shop": CoreError.NOT_FOUND.message}) from None
    if kind == LocationKind.PUBLIC:
        if not out["area"]:
            raise fail(RepairError.LOCATION_REQUIRED, "area")
        if not out["facility"]:
            raise fail(RepairError.FACILITY_REQUIRED, "facility")
    out["kind"] = kind
    return out


def _access(access, access_note, appointment_start, appointment_end) -> dict:
    value = choice(access, Access.choices, "access", required=CoreError.INVALID_INPUT)
    if value == Access.APPOINTMENT:
        if not (appointment_start and appointment_end):
            raise fail(RepairError.APPOINTMENT_REQUIRED, "appointment_start")
        if appointment_end <= appointment_start:
            raise fail(RepairError.APPOINTMENT_ORDER, "appointment_end")
    else:
        appointment_start = appointment_end = None
    return {
        "access": value,
        "access_note": text(access_note, "access_note", max_length=200),
        "appointment_start": appointment_start,
        "appointment_end": appointment_end,
    }


def _department(site, department_id) -> Department:
    if not department_id:
        raise fail(RepairError.DEPARTMENT_REQUIRED, "department")
    try:
        return Department.objects.get(pk=int(department_id), site=site)
    except (Department.DoesNotExist, TypeError, ValueError, OverflowError):
        raise fail(RepairError.DEPARTMENT_REQUIRED, "department") from None


def create_repair(
    *,
    actor,
    site_id: int,
    fault: str,
    reporter_type: str,
    location_kind: str,
    access: str,
    contact_name: str,
    department_id: int,
    customer_id: int | None = None,
    customer_name: str = "",
    customer_phone: str = "",
    channel: str = Channel.PHONE,
    priority: int = Priority.NORMAL,
    description: str = "",
    building: str = "",
    unit: str = "",
    floor: str = "",
    shop_id: int | None = None,
    area: str = "",
    facility: str = "",
    access_note: str = "",
    appointment_start=None,
    appointment_end=None,
    contact_phone: str = "",
    dispatch_note: str = "",
) -> RepairSheet:
    """Fill the 《维修工作单》 from a call or a visit and dispatch it to `department_id` at once (REP-01..03).

    The order is created unaccepted: acceptance is the technician's step. The department's members are notified
    (inbox + e-mail after commit) and the time they were told is stored (REP-02).
    """
    if not has_capability(actor, Capability.CREATE_WORK_ORDER):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    site = get_site_for(actor, site_id)
    # Every refused field at once: the desk fixes the sheet in one go, not one field per attempt.
    checks = FieldChecks()
    fault = checks.run(lambda: text(fault, "fault", max_length=200, required=RepairError.FAULT_REQUIRED))
    reporter = checks.run(
        lambda: choice(reporter_type, ReporterType.choices, "reporter_type", required=CoreError.INVALID_INPUT)
    )
    where = checks.run(
        lambda: _location(
            site,
            location_kind=location_kind,
            building=building,
            unit=unit,
            floor=floor,
            shop_id=shop_id,
            area=area,
            facility=facility,
        )
    )
    how = checks.run(lambda: _access(access, access_note, appointment_start, appointment_end))
    contact = checks.run(
        lambda: text(contact_name, "contact_name", max_length=60, required=RepairError.CONTACT_REQUIRED)
    )
    phone = checks.run(lambda: optional_phone(contact_phone, "contact_phone", RepairError.CONTACT_PHONE_INVALID))
    department = checks.run(lambda: _department(site, department_id))
    note = checks.run(lambda: text(dispatch_note, "dispatch_note", max_length=MAX_TEXT, multiline=True))
    if not customer_id:
        checks.run(lambda: tickets.check_new_customer(customer_name, customer_phone))
    checks.raise_if_any()
    order_fields = dict(
        site_id=site.id,
        type=WorkOrderType.REPAIR,
        channel=channel,
        priority=priority,
        subject=fault,
        description=description,
        shop_id=where["shop"].pk if where["shop"] else None,
        floor=where["floor"],
        unit=where["unit"],
        location=" ".join(v for v in (where["building"], where["area"]) if v),
        department_id=department.pk,
        accept_now=False,
    )
    with transaction.atomic():
        if customer_id:
            order = tickets.create_work_order(actor=actor, customer_id=customer_id, **order_fields)
        else:
            order = tickets.create_work_order_with_new_customer(
                actor=actor, customer_name=customer_name, customer_phone=customer_phone, **order_fields
            )
        now = timezone.now()
        sheet = RepairSheet.objects.create(
            work_order=order,
            site=site,
            reporter_type=reporter,
            location_kind=where["kind"],
            building=where["building"],
            facility=where["facility"],
            contact_name=contact,
            contact_phone=phone,
            dispatch_note=note,
            dispatched_at=now,
            **how,
        )
        notified, leads_told = _notify_department(order, department)
        event(
            sheet,
            actor,
            "dispatched",
            new={
                "department": department.pk,
                "location_kind": where["kind"],
                "access": how["access"],
                "notified": notified,
                "leads_told": leads_told,
            },
            note=note,
        )
    return sheet


def _notify_department(order: WorkOrder, department: Department) -> tuple[int, list[int]]:
    """Tell the department's staff; a department with nobody active tells the site's supervisors and managers
    instead, so a repair is never dispatched into silence. Returns (staff notified, leads told instead)."""
    members = list(department_staff(department))
    body = " · ".join(v for v in (order.get_priority_display(), order.unit, order.location, str(order.shop or "")) if v)
    if members:
        url = reverse("repairs:work", args=[order.pk])
        title = _("New repair %(number)s: %(fault)s") % {"number": order.number, "fault": order.subject}
        for member in members:
            notifications.notify(member, kind="repair_dispatched", title=title, body=body, url=url)
        return len(members), []
    leads = list(supervisors_of_site(order.site_id).filter(is_system=False).order_by("id"))
    title = _("Repair %(number)s sent to %(department)s, which has nobody on duty to receive it") % {
        "number": order.number,
        "department": department.name,
    }
    url = reverse("tickets:detail", args=[order.pk])
    for lead in leads:
        notifications.notify(lead, kind="repair_unstaffed", title=title, body=body, url=url)
    return 0, [lead.pk for lead in leads]
