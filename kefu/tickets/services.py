"""Every named write on a work order: one function, one transaction, one history event (or more, same transaction)."""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from kefu.accounts.models import Department, Shop, User
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import get_site_for, site_ids_for
from kefu.core import hooks
from kefu.core.errors import CoreError, ServiceError, invalid, not_found
from kefu.core.ids import next_id
from kefu.core.inserts import Rows, send_together
from kefu.core.validators import plain_text
from kefu.customers.models import Customer
from kefu.customers.selectors import site_and_customer_for_new_order
from kefu.customers.services import check_identity, create_customer

from . import selectors, transitions
from .attachments import classify
from .errors import WorkOrderError
from .models import Attachment, Channel, Priority, WorkOrder, WorkOrderEvent, WorkOrderType
from .numbering import insert_numbered, next_number
from .transitions import Action, Status

MAX_TEXT = 10_000


def _require(actor, capability: Capability) -> None:
    if not has_capability(actor, capability):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def _works_on(actor, order: WorkOrder) -> bool:
    # One rule for services and the UI's offered actions: it lives in the selector.
    return selectors.works_on(actor, order)


def _require_site(actor, order: WorkOrder) -> None:
    """Another site's order does not exist for the actor, whatever object the caller passes in."""
    if order.site_id not in site_ids_for(actor):
        raise not_found()


def _require_works_on(actor, order: WorkOrder) -> None:
    _require_site(actor, order)
    if not _works_on(actor, order):
        raise ServiceError(WorkOrderError.NOT_YOUR_ORDER)


def _choice(value, choices, field):
    if value not in {c for c, _ in choices}:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    return value


def _text(value, field, *, required_error=None, max_length=MAX_TEXT) -> str:
    value = (value or "").strip()
    if required_error and not value:
        raise ServiceError(required_error, fields={field: [required_error.message]})
    if len(value) > max_length:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    try:
        plain_text(value)
    except ValidationError as exc:
        raise invalid({field: exc.messages}) from None
    return value


def _lock(order: WorkOrder, expected_version: int | None) -> WorkOrder:
    """Re-read the order under a row lock and refuse the write if someone changed it since `expected_version`."""
    locked = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ServiceError(CoreError.VERSION_CONFLICT)
    return locked


def _save(order: WorkOrder, fields: list[str]) -> None:
    order.version += 1
    order.updated_at = timezone.now()
    order.save(update_fields=[*fields, "version", "updated_at"])


def _event(order: WorkOrder, actor, event_type: str, *, old=None, new=None, note: str = "") -> WorkOrderEvent:
    return WorkOrderEvent.objects.create(
        work_order=order, actor=actor, event_type=event_type, old=old, new=new, note=note
    )


def _department(site, department_id) -> Department | None:
    if not department_id:
        return None
    try:
        return Department.objects.get(pk=int(department_id), site=site)
    except (Department.DoesNotExist, TypeError, ValueError):
        raise invalid({"department": WorkOrderError.TRANSFER_TARGET_REQUIRED.message}) from None


def _staff(site, user_id) -> User | None:
    if not user_id:
        return None
    try:
        return User.objects.get(pk=int(user_id), sites=site, is_active=True, is_system=False)
    except (User.DoesNotExist, TypeError, ValueError):
        raise invalid({"assignee": CoreError.NOT_FOUND.message}) from None


def _status_event(order, actor, action: Action, old_status, to, *, note="", new_extra=None) -> WorkOrderEvent:
    """A status step's history row (unsaved): a transition saves it, a create written accepted bulk-inserts it."""
    return WorkOrderEvent(
        work_order=order,
        actor=actor,
        event_type=f"status_{action.value}",
        old={"status": old_status},
        new={"status": to, **(new_extra or {})},
        note=note,
    )


def _transition(order: WorkOrder, actor, action: Action, *, reason: str = "", extra_fields=(), new_extra=None):
    to = transitions.target(order.status, action)
    if to is None:
        raise ServiceError(WorkOrderError.TRANSITION_NOT_ALLOWED)
    if action in transitions.REASON_REQUIRED:
        reason = _text(reason, "reason", required_error=WorkOrderError.REASON_REQUIRED, max_length=2000)
    old_status = order.status
    order.status = to
    _save(order, ["status", *extra_fields])
    _status_event(order, actor, action, old_status, to, note=reason, new_extra=new_extra).save()
    hooks.fire(hooks.WORK_ORDER_STATUS_CHANGED, work_order=order, actor=actor, old=old_status, new=to)
    return order


def create_work_order(
    *,
    actor,
    site_id: int,
    type: str,
    channel: str,
    subject: str,
    customer_id: int | None = None,
    priority: int = Priority.NORMAL,
    description: str = "",
    shop_id: int | None = None,
    floor: str = "",
    unit: str = "",
    location: str = "",
    product: str = "",
    staff_involved: str = "",
    assignee_id: int | None = None,
    department_id: int | None = None,
    accept_now: bool = False,
) -> WorkOrder:
    """Record a customer contact as a work order; `accept_now` for contacts taken live (a call, a walk-in)."""
    _require(actor, Capability.CREATE_WORK_ORDER)
    # The usual create names a customer of the site: both in one read, the separate reads only to say what's wrong.
    site, customer = (customer_id and site_and_customer_for_new_order(actor, site_id, customer_id)) or (None, None)
    site = site or get_site_for(actor, site_id)
    _choice(type, WorkOrderType.choices, "type")
    _choice(channel, Channel.choices, "channel")
    _choice(priority, Priority.choices, "priority")
    subject = _text(subject, "subject", required_error=WorkOrderError.SUBJECT_REQUIRED, max_length=200)
    if customer_id and customer is None:
        customer = Customer.objects.filter(pk=customer_id).first()
        if customer is None or customer.site_id != site.id:
            raise ServiceError(
                WorkOrderError.CUSTOMER_NOT_IN_SITE, fields={"customer": [WorkOrderError.CUSTOMER_NOT_IN_SITE.message]}
            )
    elif not customer_id and type != WorkOrderType.INQUIRY:
        raise ServiceError(
            WorkOrderError.CUSTOMER_REQUIRED, fields={"customer": [WorkOrderError.CUSTOMER_REQUIRED.message]}
        )
    shop = None
    if shop_id:
        shop = Shop.objects.filter(pk=shop_id, site=site).first()
        if shop is None:
            raise invalid({"shop": CoreError.NOT_FOUND.message})
    department = _department(site, department_id)
    assignee = _staff(site, assignee_id)
    fields = dict(
        description=_text(description, "description"),
        floor=_text(floor, "floor", max_length=20),
        unit=_text(unit, "unit", max_length=40),
        location=_text(location, "location", max_length=200),
        product=_text(product, "product", max_length=200),
        staff_involved=_text(staff_involved, "staff_involved", max_length=200),
    )
    now = timezone.now()
    status, version, accepted_at, named_assignee = Status.NEW, 1, None, assignee
    if accept_now:
        # A contact taken live is written already accepted: one INSERT instead of INSERT then UPDATE under the
        # number lock. The version counts both steps, as if the accept had been a second write.
        status, version, accepted_at = transitions.target(Status.NEW, Action.ACCEPT), 2, now
        assignee = assignee or actor
    order = WorkOrder(
        site=site,
        type=type,
        channel=channel,
        priority=priority,
        status=status,
        version=version,
        customer=customer,
        subject=subject,
        shop=shop,
        assignee=assignee,
        department=department,
        created_by=actor,
        created_at=now,
        updated_at=now,
        accepted_at=accepted_at,
        **fields,
    )
    # Receivers fill the order's derived columns (its deadline) before it exists: one INSERT, no UPDATE after.
    hooks.fire(hooks.WORK_ORDER_CREATING, work_order=order, actor=actor)
    events = _created_events(order, actor, named_assignee=named_assignee, accept_now=accept_now)
    # The rows' values are taken now, outside the write lock; only the id and the number come later.
    row, history = Rows([order], pk_given=True), Rows(events)
    # Everything above only reads. The day's number is a locked counter row (SQLite: the write lock itself) held
    # until COMMIT, and every create queues on it; so the order takes its id first, its dependents (SLA clocks)
    # go in before it, and only its own row and history follow the number. On PostgreSQL the receivers' rows are
    # collected (companion_rows) and the whole transaction is sent at once.
    outermost = connection.get_autocommit() and not connection.in_atomic_block
    postgresql = connection.vendor == "postgresql"
    if postgresql:  # a sequence, which no rollback gives back: taken before, the transaction is one round trip
        order.pk = next_id(WorkOrder)
    committed = []
    try:
        _write_created(
            order,
            row,
            history,
            actor=actor,
            accept_now=accept_now,
            outermost=outermost,
            postgresql=postgresql,
            committed=committed,
        )
    except BaseException:
        if not committed:  # (not an on_commit hook that raised after COMMIT)
            order.number = ""  # a create that failed has no number (nor, on PostgreSQL, the prefix it was given)
        raise
    return order


def _write_created(
    order, row: Rows, history: Rows, *, actor, accept_now: bool, outermost: bool, postgresql: bool, committed: list
):
    """The create's transaction: receivers' rows, then the number, the order and its history (see above)."""
    site, now, events = order.site, order.created_at, history.objs
    with transaction.atomic():
        # The block's first hook, so it runs before any that could raise.
        transaction.on_commit(lambda: committed.append(True))
        if not postgresql:
            order.pk = next_id(WorkOrder)
        order.written = {}  # the rows this create writes, by relation name: its answer needs no re-read
        order.companion_rows = []  # receivers' rows (SLA clocks) to send with the order's own
        if accept_now:
            # Every transition is announced, this one too, before the creation (as when it was a second write).
            hooks.fire(hooks.WORK_ORDER_STATUS_CHANGED, work_order=order, actor=actor, old=Status.NEW, new=order.status)
        hooks.fire(hooks.WORK_ORDER_CREATED, work_order=order, actor=actor)
        row.restate("id")
        history.restate("work_order")
        order.written["events"] = history.objs
        companions = order.__dict__.pop("companion_rows")
        if postgresql:
            # The receivers' rows, then number, order and history, and COMMIT when this block is the transaction:
            # one round trip, answered when COMMIT is.
            insert_numbered(site, now, row, history, before=companions, commit=outermost)
        else:  # SQLite: the whole transaction holds the write lock anyway
            if companions:
                send_together(*companions)
            order.number = events[0].new["number"] = next_number(site, now)
            row.restate("number")
            history.restate("new", objs=events[:1])
            send_together(row, history)


def _created_events(order, actor, *, named_assignee, accept_now) -> list[WorkOrderEvent]:
    events = [
        WorkOrderEvent(
            work_order=order,
            actor=actor,
            event_type="created",
            created_at=order.created_at,
            new={
                "number": None,  # drawn last, under the lock
                "type": order.type,
                "channel": order.channel,
                "priority": order.priority,
                "customer": order.customer_id,
                # Who was named at creation; the taker of an accept_now order shows in the accept step.
                "assignee": named_assignee.pk if named_assignee else None,
                "department": order.department_id,
            },
        )
    ]
    if accept_now:
        accept = _status_event(order, actor, Action.ACCEPT, Status.NEW, order.status)
        accept.created_at = order.accepted_at
        events.append(accept)
    return events


@transaction.atomic
def accept_work_order(order: WorkOrder, *, actor, expected_version: int | None = None) -> WorkOrder:
    order = _lock(order, expected_version)
    _require_works_on(actor, order)
    order.accepted_at = timezone.now()
    fields = ["accepted_at"]
    if order.assignee_id is None:
        order.assignee = actor
        fields.append("assignee")
    return _transition(order, actor, Action.ACCEPT, extra_fields=fields)


@transaction.atomic
def start_work_order(order: WorkOrder, *, actor, expected_version: int | None = None) -> WorkOrder:
    order = _lock(order, expected_version)
    _require_works_on(actor, order)
    return _transition(order, actor, Action.START)


@transaction.atomic
def request_customer_confirmation(order: WorkOrder, *, actor, note: str = "", expected_version: int | None = None):
    order = _lock(order, expected_version)
    _require_works_on(actor, order)
    return _transition(order, actor, Action.WAIT_CUSTOMER, reason=_text(note, "note", max_length=2000))


@transaction.atomic
def resume_work_order(order: WorkOrder, *, actor, expected_version: int | None = None) -> WorkOrder:
    order = _lock(order, expected_version)
    _require_works_on(actor, order)
    return _transition(order, actor, Action.RESUME)


@transaction.atomic
def resolve_work_order(order: WorkOrder, *, actor, resolution: str, expected_version: int | None = None) -> WorkOrder:
    """已解决 needs the handling process and result written down (WO-06)."""
    order = _lock(order, expected_version)
    _require_works_on(actor, order)
    order.resolution = _text(resolution, "resolution", required_error=WorkOrderError.RESOLUTION_REQUIRED)
    hooks.fire(hooks.WORK_ORDER_RESOLVING, work_order=order, actor=actor, resolution=order.resolution)
    order.resolved_at = timezone.now()
    _transition(
        order,
        actor,
        Action.RESOLVE,
        extra_fields=["resolution", "resolved_at"],
        new_extra={"resolution": order.resolution},
    )
    hooks.fire(hooks.WORK_ORDER_RESOLVED, work_order=order, actor=actor)
    return order


def _answered_since_last_reopen(order: WorkOrder) -> bool:
    """A reopened order was reopened because the earlier answer did not settle it, so it needs a new one."""
    replies = order.events.filter(event_type="replied")
    last_reopen = order.events.filter(event_type=f"status_{Action.REOPEN.value}").order_by("-id").first()
    if last_reopen is not None:
        replies = replies.filter(id__gt=last_reopen.id)
    return replies.exists()


@transaction.atomic
def close_work_order(
    order: WorkOrder, *, actor, customer_response: str = "", expected_version: int | None = None
) -> WorkOrder:
    """Close only once the customer has been answered, whether or not the request could be met (WO-06)."""
    _require(actor, Capability.CLOSE_WORK_ORDER)
    _require_site(actor, order)
    order = _lock(order, expected_version)
    if transitions.target(order.status, Action.CLOSE) is None:
        raise ServiceError(WorkOrderError.TRANSITION_NOT_ALLOWED)
    response = _text(customer_response, "customer_response")
    hooks.fire(hooks.WORK_ORDER_CLOSING, work_order=order, actor=actor)
    if response:
        _record_reply(order, actor, response)
    elif not _answered_since_last_reopen(order):
        raise ServiceError(
            WorkOrderError.CUSTOMER_RESPONSE_REQUIRED,
            fields={"customer_response": [WorkOrderError.CUSTOMER_RESPONSE_REQUIRED.message]},
        )
    order.closed_at = timezone.now()
    _transition(order, actor, Action.CLOSE, extra_fields=["closed_at", "first_replied_at"])
    hooks.fire(hooks.WORK_ORDER_CLOSED, work_order=order, actor=actor)
    return order


@transaction.atomic
def reopen_work_order(order: WorkOrder, *, actor, reason: str, expected_version: int | None = None) -> WorkOrder:
    _require(actor, Capability.REOPEN_WORK_ORDER)
    _require_site(actor, order)
    order = _lock(order, expected_version)
    order.closed_at = None
    order.resolved_at = None
    _transition(order, actor, Action.REOPEN, reason=reason, extra_fields=["closed_at", "resolved_at"])
    hooks.fire(hooks.WORK_ORDER_REOPENED, work_order=order, actor=actor, reason=reason)
    return order


@transaction.atomic
def cancel_work_order(order: WorkOrder, *, actor, reason: str, expected_version: int | None = None) -> WorkOrder:
    _require(actor, Capability.CANCEL_WORK_ORDER)
    _require_site(actor, order)
    order = _lock(order, expected_version)
    return _transition(order, actor, Action.CANCEL, reason=reason)


@transaction.atomic
def assign_work_order(order: WorkOrder, *, actor, assignee_id: int, expected_version: int | None = None) -> WorkOrder:
    """Hand the order to a desk colleague (接待转移): from whom, to whom, when."""
    _require(actor, Capability.ASSIGN_WORK_ORDER)
    _require_site(actor, order)
    order = _lock(order, expected_version)
    if not transitions.is_open(order.status):
        raise ServiceError(WorkOrderError.TRANSITION_NOT_ALLOWED)
    assignee = _staff(order.site, assignee_id)
    if assignee is None:
        raise invalid({"assignee": WorkOrderError.TRANSFER_TARGET_REQUIRED.message})
    old = order.assignee_id
    order.assignee = assignee
    _save(order, ["assignee"])
    _event(order, actor, "assigned", old={"assignee": old}, new={"assignee": assignee.pk})
    return order


@transaction.atomic
def transfer_work_order(
    order: WorkOrder,
    *,
    actor,
    reason: str,
    department_id: int | None = None,
    assignee_id: int | None = None,
    expected_version: int | None = None,
) -> WorkOrder:
    """转接: send the order to a department and/or person, with the reason; the target sees it in its queue."""
    order = _lock(order, expected_version)
    _require_works_on(actor, order)
    if not transitions.is_open(order.status):
        raise ServiceError(WorkOrderError.TRANSITION_NOT_ALLOWED)
    reason = _text(reason, "reason", required_error=WorkOrderError.REASON_REQUIRED, max_length=2000)
    department = _department(order.site, department_id)
    assignee = _staff(order.site, assignee_id)
    if department is None and assignee is None:
        raise ServiceError(
            WorkOrderError.TRANSFER_TARGET_REQUIRED,
            fields={"department": [WorkOrderError.TRANSFER_TARGET_REQUIRED.message]},
        )
    old = {"department": order.department_id, "assignee": order.assignee_id}
    if department is not None:
        order.department = department
        # A department transfer without a named person leaves the order in that department's pool.
        order.assignee = assignee
    else:
        order.assignee = assignee
    _save(order, ["department", "assignee"])
    _event(
        order,
        actor,
        "transferred",
        old=old,
        new={"department": order.department_id, "assignee": order.assignee_id},
        note=reason,
    )
    return order


def _record_reply(order: WorkOrder, actor, body: str) -> WorkOrderEvent:
    hooks.fire(hooks.WORK_ORDER_REPLYING, work_order=order, actor=actor, body=body)
    if order.first_replied_at is None:
        order.first_replied_at = timezone.now()
    event = _event(order, actor, "replied", note=body)
    hooks.fire(hooks.WORK_ORDER_REPLIED, work_order=order, actor=actor)
    return event


@transaction.atomic
def reply_to_customer(order: WorkOrder, *, actor, body: str, expected_version: int | None = None) -> WorkOrderEvent:
    """A reply the customer hears or reads (as opposed to an internal note)."""
    _require(actor, Capability.REPLY_TO_CUSTOMER)
    order = _lock(order, expected_version)
    _require_works_on(actor, order)
    if order.status == Status.CANCELLED:
        raise ServiceError(WorkOrderError.TRANSITION_NOT_ALLOWED)
    body = _text(body, "body", required_error=WorkOrderError.BODY_REQUIRED)
    event = _record_reply(order, actor, body)
    _save(order, ["first_replied_at"])
    return event


@transaction.atomic
def add_internal_note(order: WorkOrder, *, actor, body: str, expected_version: int | None = None) -> WorkOrderEvent:
    """Notes never reach the customer and do not bump the version (they cannot cause a lost update). A version
    the caller sends is still a precondition: a client that says which version it saw is refused if it is stale."""
    _require_works_on(actor, order)
    body = _text(body, "body", required_error=WorkOrderError.BODY_REQUIRED)
    if expected_version is not None:
        _lock(order, expected_version)
    WorkOrder.objects.filter(pk=order.pk).update(updated_at=timezone.now())
    return _event(order, actor, "note_added", note=body)


@transaction.atomic
def change_priority(
    order: WorkOrder, *, actor, priority: int, reason: str = "", expected_version: int | None = None
) -> WorkOrder:
    order = _lock(order, expected_version)
    _require_works_on(actor, order)
    # Urgency orders the work still to do: a resolved, closed or cancelled order has none (reopen it first).
    if not transitions.is_open(order.status):
        raise ServiceError(WorkOrderError.TRANSITION_NOT_ALLOWED)
    _choice(priority, Priority.choices, "priority")
    if order.priority == priority:
        return order
    old = order.priority
    order.priority = priority
    _save(order, ["priority"])
    _event(
        order,
        actor,
        "priority_changed",
        old={"priority": old},
        new={"priority": priority},
        note=_text(reason, "reason", max_length=2000),
    )
    hooks.fire(hooks.WORK_ORDER_PRIORITY_CHANGED, work_order=order, actor=actor)
    return order


@transaction.atomic
def add_attachment(order: WorkOrder, *, actor, uploaded) -> Attachment:
    """Store a file outside the database; only the permission-checked download view serves it."""
    _require_works_on(actor, order)
    size = getattr(uploaded, "size", 0) or 0
    if size <= 0:
        raise ServiceError(WorkOrderError.ATTACHMENT_EMPTY, fields={"file": [WorkOrderError.ATTACHMENT_EMPTY.message]})
    if size > settings.KEFU_ATTACHMENT_MAX_BYTES:
        raise ServiceError(
            WorkOrderError.ATTACHMENT_TOO_LARGE, fields={"file": [WorkOrderError.ATTACHMENT_TOO_LARGE.message]}
        )
    uploaded.seek(0)
    head = uploaded.read(64)
    uploaded.seek(0)
    kind = classify(uploaded.name, head, uploaded)
    if kind is None:
        raise ServiceError(WorkOrderError.ATTACHMENT_TYPE, fields={"file": [WorkOrderError.ATTACHMENT_TYPE.message]})
    extension, content_type = kind
    attachment = Attachment(
        work_order=order,
        token=secrets.token_hex(16),
        extension=extension,
        original_name=os.path.basename(uploaded.name)[:200],
        content_type=content_type,
        size=size,
        uploaded_by=actor,
    )
    attachment.file.save(attachment.token + extension, uploaded, save=False)
    try:
        attachment.save()
        _event(
            order,
            actor,
            "attachment_added",
            new={"attachment": attachment.pk, "name": attachment.original_name, "size": size},
        )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


# Contacts taken live (a call, a walk-in) are accepted by the agent who takes them.
LIVE_CHANNELS = frozenset({Channel.PHONE, Channel.WALK_IN})
_NEW_CUSTOMER_FIELDS = {"name": "customer_name", "phones": "customer_phone"}


def _as_caller_fields(exc: ServiceError) -> ServiceError:
    # Name the fields as the caller knows them (customer_name / customer_phone), not as the archive does.
    return ServiceError(
        exc.error, fields={_NEW_CUSTOMER_FIELDS.get(k, k): v for k, v in exc.fields.items()}, message=exc.message
    )


def check_new_customer(customer_name: str, customer_phone: str) -> None:
    """The new caller's name and number, checked up front by a form that reports all its fields at once."""
    try:
        check_identity(customer_name, [customer_phone])
    except ServiceError as exc:
        raise _as_caller_fields(exc) from exc


@transaction.atomic
def create_work_order_with_new_customer(
    *, actor, site_id: int, customer_name: str, customer_phone: str, **order_fields
) -> WorkOrder:
    """A call from someone not yet in the archive: the customer and the order are saved together or not at all."""
    try:
        customer = create_customer(actor=actor, site_id=site_id, name=customer_name, phones=[customer_phone])
    except ServiceError as exc:
        raise _as_caller_fields(exc) from exc
    return create_work_order(actor=actor, site_id=site_id, customer_id=customer.id, **order_fields)


def record_deadline(order: WorkOrder, *, due_at, sla_state: str) -> None:
    """Store the deadline summary the SLA app computed. Derived data: no version bump, the SLA events hold the facts."""
    if order.due_at != due_at or order.sla_state != sla_state:
        WorkOrder.objects.filter(pk=order.pk).update(due_at=due_at, sla_state=sla_state)
        order.due_at, order.sla_state = due_at, sla_state


def record_escalation(order: WorkOrder, *, actor, level: str, reason: str, skipped_level: str = "") -> WorkOrderEvent:
    """The escalation as a step in the order's own timeline (逐级上报 is part of its history)."""
    return _event(order, actor, "escalated", new={"level": level, "skipped_level": skipped_level or None}, note=reason)
