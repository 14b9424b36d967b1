"""Named writes of the complaint workflow: intake, the two paths, closing, per-site settings.

Each is one transaction that writes one ComplaintEvent; work-order moves go through kefu.tickets.services (so
the order's history, the SLA clocks and the hooks stay right) and pass the guards in receivers.py.
Proposals, replies and answers are in solution_services.py, coordination tasks in task_services.py.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import get_site_for, site_ids_for
from kefu.accounts.services import get_system_actor
from kefu.core.errors import CoreError, ServiceError, invalid, not_found
from kefu.core.phones import parse_phone
from kefu.core.validators import plain_text
from kefu.customers.selectors import lookup_by_phone_prefix
from kefu.customers.services import set_key_customer
from kefu.sla.services import promise_reply
from kefu.tickets import services as work_orders
from kefu.tickets.models import Channel, Priority, WorkOrder, WorkOrderType
from kefu.tickets.selectors import works_on
from kefu.tickets.transitions import Status

from . import rules
from .errors import ComplaintError
from .models import (
    DEFAULT_CATEGORIES,
    Complaint,
    ComplaintEvent,
    ComplaintSettings,
    Liability,
    Outcome,
    Path,
    Severity,
)

MAX_TEXT = 10_000


# --- shared checks (also used by solution_services and task_services) ------------------------------------------


def text(value, field, error: ComplaintError | None = None, *, max_length=MAX_TEXT) -> str:
    value = (value or "").strip()
    if error and not value:
        raise ServiceError(error, fields={field: [error.message]})
    if len(value) > max_length:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    try:
        plain_text(value)
    except ValidationError as exc:
        raise invalid({field: exc.messages}) from None
    return value


def lock(complaint: Complaint | int) -> Complaint:
    """Re-read the case file under a row lock (only its own row: the order is locked by the tickets services)."""
    pk = complaint if isinstance(complaint, int) else complaint.pk
    try:
        return (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("work_order", "work_order__site", "work_order__shop")
            .get(pk=pk)
        )
    except Complaint.DoesNotExist:
        raise not_found() from None


def require_site(actor, site_id: int) -> None:
    if site_id not in site_ids_for(actor):
        raise not_found()


def require_works_on(actor, complaint: Complaint) -> None:
    require_site(actor, complaint.site_id)
    if not works_on(actor, complaint.work_order):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def require_open(complaint: Complaint) -> None:
    if complaint.outcome != Outcome.OPEN or complaint.work_order.status in (Status.CLOSED, Status.CANCELLED):
        raise ServiceError(ComplaintError.COMPLAINT_FINISHED)


def require_investigation(complaint: Complaint) -> None:
    require_open(complaint)
    if complaint.path != Path.INVESTIGATION:
        raise ServiceError(ComplaintError.INVESTIGATION_ONLY)


def event(complaint: Complaint, actor, event_type: str, *, old=None, new=None, note: str = "") -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint, actor=actor, event_type=event_type, old=old, new=new, note=note
    )


def order_in_progress(order: WorkOrder, actor) -> WorkOrder:
    """Bring the order to 处理中 through the tickets services, whatever open status it is in."""
    order = WorkOrder.objects.get(pk=order.pk)
    if order.status == Status.NEW:
        order = work_orders.accept_work_order(order, actor=actor)
    if order.status in (Status.ACCEPTED, Status.REOPENED):
        order = work_orders.start_work_order(order, actor=actor)
    if order.status == Status.AWAITING_CUSTOMER:
        order = work_orders.resume_work_order(order, actor=actor)
    return order


# --- per-site settings ------------------------------------------------------------------------------------------


def settings_for(site_id: int) -> ComplaintSettings:
    """The site's rules, or the defaults (unsaved) while nobody has changed them."""
    row = ComplaintSettings.objects.filter(site_id=site_id).first()
    return row or ComplaintSettings(site_id=site_id, categories=list(DEFAULT_CATEGORIES))


def categories_for(site_id: int) -> list[str]:
    return list(settings_for(site_id).categories or DEFAULT_CATEGORIES)


@transaction.atomic
def update_complaint_settings(
    *, actor, site_id: int, categories: list[str], repeat_threshold: int, repeat_window_days: int
) -> ComplaintSettings:
    # No dedicated capability exists for complaint rules: the manager's rule-keeping one is the closest.
    if not has_capability(actor, Capability.MANAGE_FOLLOW_UP_RULES):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    site = get_site_for(actor, site_id)
    clean = [(c or "").strip() for c in categories if (c or "").strip()]
    if not clean or len(set(clean)) != len(clean) or any(len(c) > 30 for c in clean):
        raise ServiceError(
            ComplaintError.BAD_CATEGORIES, fields={"categories": [ComplaintError.BAD_CATEGORIES.message]}
        )
    for c in clean:
        text(c, "categories", max_length=30)
    try:
        threshold, window = int(repeat_threshold), int(repeat_window_days)
    except (TypeError, ValueError):
        threshold = window = 0
    if not (1 <= threshold <= 100 and 1 <= window <= 3660):
        raise ServiceError(
            ComplaintError.BAD_THRESHOLD, fields={"repeat_threshold": [ComplaintError.BAD_THRESHOLD.message]}
        )
    row, _created = ComplaintSettings.objects.select_for_update().get_or_create(site=site)
    row.categories, row.repeat_threshold, row.repeat_window_days = clean, threshold, window
    row.save()
    return row


# --- intake -----------------------------------------------------------------------------------------------------


def _case_fields(site_id, *, complainant_name, contact, category, demand, apology_note, severity, complained_at, now):
    """Validate the case file's own mandatory data; every missing field is reported at once."""
    missing: dict[str, ComplaintError] = {}
    values = {
        "complainant_name": (complainant_name, ComplaintError.COMPLAINANT_REQUIRED, 100),
        "contact": (contact, ComplaintError.CONTACT_REQUIRED, 100),
        "demand": (demand, ComplaintError.DEMAND_REQUIRED, MAX_TEXT),
        "apology_note": (apology_note, ComplaintError.APOLOGY_REQUIRED, 2000),
    }
    out = {}
    for field, (value, error, limit) in values.items():
        if not (value or "").strip():
            missing[field] = error
        else:
            out[field] = text(value, field, max_length=limit)
    category = (category or "").strip()
    if category not in categories_for(site_id):
        missing["category"] = ComplaintError.CATEGORY_REQUIRED
    out["category"] = category
    if severity not in Severity.values:
        raise invalid({"severity": CoreError.INVALID_INPUT.message})
    out["severity"] = severity
    complained_at = complained_at or now
    if complained_at > now + timedelta(minutes=5):
        missing["complained_at"] = ComplaintError.COMPLAINED_AT_FUTURE
    out["complained_at"] = complained_at
    return out, missing


def _raise_missing(missing: dict[str, ComplaintError]) -> None:
    if missing:
        first = next(iter(missing.values()))
        raise ServiceError(first, fields={f: [e.message] for f, e in missing.items()})


def register_complaint(
    *,
    actor,
    site_id: int,
    channel: str,
    subject: str,
    product: str,
    category: str,
    demand: str,
    complainant_name: str,
    contact: str,
    apology_note: str,
    customer_id: int | None = None,
    description: str = "",
    shop_id: int | None = None,
    staff_involved: str = "",
    severity: str = Severity.GENERAL,
    priority: int = Priority.NORMAL,
    complained_at=None,
    taken_to_office: bool = False,
    taken_to_office_at=None,
    now=None,
) -> Complaint:
    """Intake (投诉登记): the work order of type complaint and its case file, saved together or not at all.

    Without `customer_id` the archive is searched by the contact number; a complainant not found there is added
    with `contact` as the phone number.
    """
    now = now or timezone.now()
    if not has_capability(actor, Capability.CREATE_WORK_ORDER):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    site = get_site_for(actor, site_id)
    case, missing = _case_fields(
        site.id,
        complainant_name=complainant_name,
        contact=contact,
        category=category,
        demand=demand,
        apology_note=apology_note,
        severity=severity,
        complained_at=complained_at,
        now=now,
    )
    if not (subject or "").strip():
        missing = {"subject": ComplaintError.MATTER_REQUIRED, **missing}
    if not (product or "").strip():
        missing["product"] = ComplaintError.PRODUCT_REQUIRED
    _raise_missing(missing)
    if channel not in Channel.values:
        raise invalid({"channel": CoreError.INVALID_INPUT.message})
    office_at = (taken_to_office_at or now) if taken_to_office else None
    if office_at is not None:
        _check_office_time(office_at, case["complained_at"], now)
    order_fields = dict(
        site_id=site.id,
        type=WorkOrderType.COMPLAINT,
        channel=channel,
        priority=priority,
        subject=subject,
        description=description,
        shop_id=shop_id,
        product=product,
        staff_involved=staff_involved,
        # Complaints are accepted at once (立即受理) by whoever takes them.
        accept_now=True,
    )
    if not customer_id:
        customer_id = _archived_customer(actor, site.id, case["contact"])
    with transaction.atomic():
        if customer_id:
            order = work_orders.create_work_order(actor=actor, customer_id=customer_id, **order_fields)
        else:
            try:
                order = work_orders.create_work_order_with_new_customer(
                    actor=actor, customer_name=case["complainant_name"], customer_phone=case["contact"], **order_fields
                )
            except ServiceError as exc:
                renamed = {{"customer_phone": "contact", "customer_name": "complainant_name"}.get(k, k): v
                           for k, v in exc.fields.items()}  # fmt: skip
                raise ServiceError(exc.error, fields=renamed, message=exc.message) from exc
        complaint = Complaint.objects.create(
            work_order=order, site=site, apology_by=actor, apology_at=now, taken_to_office_at=office_at, **case
        )
        event(
            complaint,
            actor,
            "registered",
            new={
                "category": complaint.category,
                "severity": complaint.severity,
                "channel": channel,
                "taken_to_office_at": office_at,
            },
            note=complaint.apology_note,
        )
        _flag_repeat_complainant(complaint, order, actor)
    return complaint


def _archived_customer(actor, site_id: int, contact: str) -> int | None:
    """A complainant whose number is already in the archive is that customer (so repeat complaints add up)."""
    phone = parse_phone(contact)
    if phone is None:
        return None
    for customer in lookup_by_phone_prefix(actor, phone.national, site_id=site_id):
        if any(p.national == phone.national for p in customer.phones.all()):
            return customer.pk
    return None


def _flag_repeat_complainant(complaint: Complaint, order: WorkOrder, actor) -> None:
    """重点客户: N complaints (this one included) within the site's window flag the customer (CMP-22)."""
    customer = order.customer
    if customer is None or customer.is_key_customer:
        return
    rule = settings_for(complaint.site_id)
    since = complaint.complained_at - timedelta(days=rule.repeat_window_days)
    count = WorkOrder.objects.filter(
        customer_id=customer.pk, type=WorkOrderType.COMPLAINT, created_at__gte=since
    ).count()
    if count >= rule.repeat_threshold:
        reason = _("Repeat complainant: %(count)d complaints within %(days)d days") % {
            "count": count,
            "days": rule.repeat_window_days,
        }
        # The rule flags, not the person registering: an agent may not flag by hand.
        set_key_customer(customer, actor=get_system_actor(), flagged=True, reason=reason)
        event(complaint, actor, "key_customer_flagged", new={"customer": customer.pk, "count": count})


def _check_office_time(at, complained_at, now) -> None:
    # Registered first, then taken along: never before the complaint, never in the future (a minute's grace
    # for a time typed to the minute).
    if at < complained_at - timedelta(minutes=1) or at > now + timedelta(minutes=5):
        error = ComplaintError.OFFICE_TIME_INVALID
        raise ServiceError(error, fields={"taken_to_office_at": [error.message]})


@transaction.atomic
def mark_taken_to_office(complaint: Complaint, *, actor, at=None) -> Complaint:
    """Walk-in: 先登记再带至办公区域 — the time the complainant was taken to the office area."""
    complaint = lock(complaint)
    require_works_on(actor, complaint)
    require_open(complaint)
    now = timezone.now()
    at = at or now
    _check_office_time(at, complaint.complained_at, now)
    old = complaint.taken_to_office_at
    complaint.taken_to_office_at = at
    complaint.save(update_fields=["taken_to_office_at"])
    event(complaint, actor, "taken_to_office", old={"at": old}, new={"at": at})
    return complaint


# --- the two paths ----------------------------------------------------------------------------------------------


@transaction.atomic
def resolve_on_the_spot(complaint: Complaint, *, actor, resolution: str, customer_accepted: bool) -> Complaint:
    """当场解决 (CMP-07): the solution applied at once; the customer heard it and accepted it."""
    complaint = lock(complaint)
    require_works_on(actor, complaint)
    require_open(complaint)
    if complaint.path:
        raise ServiceError(ComplaintError.PATH_ALREADY_CHOSEN)
    resolution = text(resolution, "resolution", ComplaintError.RESOLUTION_REQUIRED)
    if not customer_accepted:
        error = ComplaintError.ACCEPTANCE_REQUIRED
        raise ServiceError(error, fields={"customer_accepted": [error.message]})
    complaint.path, complaint.on_spot_resolution, complaint.outcome = Path.ON_THE_SPOT, resolution, Outcome.ACCEPTED
    complaint.save(update_fields=["path", "on_spot_resolution", "outcome"])
    event(complaint, actor, "resolved_on_the_spot", new={"customer_accepted": True}, note=resolution)
    order = order_in_progress(complaint.work_order, actor)
    work_orders.reply_to_customer(order, actor=actor, body=resolution)
    work_orders.resolve_work_order(order, actor=actor, resolution=resolution)
    return complaint


@transaction.atomic
def start_investigation(complaint: Complaint, *, actor, promised_reply_at, told_customer: str, now=None) -> Complaint:
    """需要进一步调查核实 (CMP-08): the customer is told when to expect the answer; the SLA clock holds the promise."""
    complaint = lock(complaint)
    require_works_on(actor, complaint)
    require_open(complaint)
    if complaint.path:
        raise ServiceError(ComplaintError.PATH_ALREADY_CHOSEN)
    told = text(told_customer, "told_customer", ComplaintError.TOLD_CUSTOMER_REQUIRED)
    if promised_reply_at is None:
        error = ComplaintError.PROMISE_REQUIRED
        raise ServiceError(error, fields={"promised_reply_at": [error.message]})
    complaint.path, complaint.told_customer, complaint.promised_reply_at = Path.INVESTIGATION, told, promised_reply_at
    complaint.save(update_fields=["path", "told_customer", "promised_reply_at"])
    event(complaint, actor, "investigation_started", new={"promised_reply_at": promised_reply_at}, note=told)
    order = order_in_progress(complaint.work_order, actor)
    try:
        promise_reply(order, actor=actor, promised_at=promised_reply_at, now=now)
    except ServiceError as exc:
        raise ServiceError(
            exc.error, fields={"promised_reply_at": sum(exc.fields.values(), [])}, message=exc.message
        ) from exc
    return complaint


# --- closing ----------------------------------------------------------------------------------------------------


def _closing_texts(root_cause, preventive_measure, liability) -> tuple[str, str, str]:
    missing = {}
    if not (root_cause or "").strip():
        missing["root_cause"] = ComplaintError.ROOT_CAUSE_REQUIRED
    if not (preventive_measure or "").strip():
        missing["preventive_measure"] = ComplaintError.MEASURE_REQUIRED
    _raise_missing(missing)
    liability = liability or Liability.UNDETERMINED
    if liability not in Liability.values:
        raise invalid({"liability": CoreError.INVALID_INPUT.message})
    return text(root_cause, "root_cause"), text(preventive_measure, "preventive_measure"), liability


@transaction.atomic
def close_complaint(
    complaint: Complaint,
    *,
    actor,
    root_cause: str,
    preventive_measure: str,
    liability: str = Liability.UNDETERMINED,
    customer_response: str = "",
) -> Complaint:
    """结案 (CMP-17): only an accepted complaint, with its root cause and the measure against a repeat."""
    complaint = lock(complaint)
    require_site(actor, complaint.site_id)
    if complaint.work_order.status == Status.CLOSED:
        raise ServiceError(ComplaintError.COMPLAINT_FINISHED)
    if complaint.outcome != Outcome.ACCEPTED:
        raise ServiceError(ComplaintError.NOT_ACCEPTED_YET)
    cause, measure, liability = _closing_texts(root_cause, preventive_measure, liability)
    complaint.root_cause, complaint.preventive_measure, complaint.liability = cause, measure, liability
    complaint.save(update_fields=["root_cause", "preventive_measure", "liability"])
    event(complaint, actor, "closed", new={"liability": liability, "root_cause": cause, "preventive_measure": measure})
    work_orders.close_work_order(complaint.work_order, actor=actor, customer_response=customer_response)
    return complaint


@transaction.atomic
def close_unresolved(
    complaint: Complaint,
    *,
    actor,
    reason: str,
    root_cause: str,
    preventive_measure: str,
    customer_response: str,
    liability: str = Liability.UNDETERMINED,
) -> Complaint:
    """A manager ends a complaint the customer never accepted (CMP-12's exception), with the reason on record."""
    complaint = lock(complaint)
    require_site(actor, complaint.site_id)
    if not has_capability(actor, Capability.CLOSE_UNRESOLVED):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    require_open(complaint)
    missing = {}
    if not (reason or "").strip():
        missing["reason"] = ComplaintError.REASON_REQUIRED
    if not (customer_response or "").strip():
        missing["customer_response"] = ComplaintError.CUSTOMER_RESPONSE_REQUIRED
    _raise_missing(missing)
    cause, measure, liability = _closing_texts(root_cause, preventive_measure, liability)
    reason = text(reason, "reason", max_length=2000)
    complaint.outcome, complaint.unresolved_reason = Outcome.UNRESOLVED, reason
    complaint.root_cause, complaint.preventive_measure, complaint.liability = cause, measure, liability
    complaint.save(update_fields=["outcome", "unresolved_reason", "root_cause", "preventive_measure", "liability"])
    event(complaint, actor, "closed_unresolved", new={"liability": liability, "root_cause": cause}, note=reason)
    order = order_in_progress(complaint.work_order, actor)
    work_orders.resolve_work_order(
        order, actor=actor, resolution=_("Closed unresolved: %(reason)s") % {"reason": reason}
    )
    work_orders.close_work_order(order, actor=actor, customer_response=customer_response)
    return complaint


def reopen_case(order: WorkOrder, actor) -> None:
    """The work order was reopened (the customer came back): a new proposal round on the investigation path."""
    complaint = Complaint.objects.select_for_update(of=("self",)).filter(pk=order.pk).first()
    if complaint is None:
        return
    old = {"outcome": complaint.outcome, "round": complaint.round, "path": complaint.path}
    complaint.outcome, complaint.path, complaint.round = Outcome.OPEN, Path.INVESTIGATION, complaint.round + 1
    complaint.save(update_fields=["outcome", "path", "round"])
    event(complaint, actor, "reopened", old=old, new={"round": complaint.round})


def guard(hook: str, order: WorkOrder) -> None:
    """The work-order guards: a complaint's generic reply / resolve / close obeys the complaint's rules."""
    complaint = Complaint.objects.select_related("work_order").filter(pk=order.pk).first()
    if complaint is None:
        if hook == "cancel":
            return  # a complaint order without a case file never entered the workflow
        raise ServiceError(ComplaintError.CASE_FILE_MISSING)
    check = {
        "reply": rules.reply_block,
        "resolve": rules.resolve_block,
        "close": rules.close_block,
        "cancel": rules.cancel_block,
    }[hook]
    error = check(complaint)
    if isinstance(error, ServiceError):
        raise error  # a block with its own message (which shops still have to confirm)
    if error is not None:
        raise ServiceError(error)
