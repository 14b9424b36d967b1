"""The suggestion workflow (建议): one function per step, one transaction each, one SuggestionEvent each.

A suggestion is a work order of type "suggestion" plus a Suggestion row. The work order moves with the
tickets services (accept/start, transfer, reply, resolve, close), so its history, SLA clocks and hooks stay
right; the step order lives in transitions.STEPS.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kefu.accounts.models import Department, User
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import get_site_for, site_ids_for
from kefu.core.errors import CoreError, ServiceError, invalid, not_found
from kefu.core.phones import optional_phone, parse_phone, to_ascii_digits
from kefu.core.validators import plain_text
from kefu.customers.errors import CustomerError
from kefu.customers.models import CustomerPhone
from kefu.tickets import selectors as ticket_selectors
from kefu.tickets import services as work_orders
from kefu.tickets.models import Channel, WorkOrder, WorkOrderType
from kefu.tickets.transitions import Status, is_open

from . import transitions
from .errors import SuggestionError
from .models import Decision, Feasibility, FeedbackChannel, Suggestion, SuggestionCategory, SuggestionEvent
from .transitions import Stage, Step

MAX_TEXT = 10_000


# ---- shared checks ----


def clean_text(value, field, *, required: SuggestionError | None = None, max_length=MAX_TEXT) -> str:
    value = (value or "").strip()
    if required is not None and not value:
        raise ServiceError(required, fields={field: [required.message]})
    if len(value) > max_length:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    try:
        plain_text(value)
    except ValidationError as exc:
        raise invalid({field: exc.messages}) from None
    return value


# Only digits, a plus sign and what people put between digits: the contact was meant as a phone number.
_WRITTEN_AS_NUMBER = re.compile(r"[+\d\s\-()（）.]+")


def clean_contact(value, field, *, phone_only: bool, max_length: int = 200) -> str:
    """A contact that is a phone number is stored normalised (13812345678, 01012345678), as the archive stores it.

    With `phone_only` anything else is refused; otherwise free text (e-mail, address) is kept, but a contact written
    as a number must be a valid one: a mistyped number is not a contact. Empty stays empty."""
    value = clean_text(value, field, max_length=max_length)
    if phone_only or _WRITTEN_AS_NUMBER.fullmatch(to_ascii_digits(value)):
        return optional_phone(value, field, CustomerError.INVALID_PHONE)
    phone = parse_phone(value)
    return phone.national if phone else value


def _site_staff(site_id, user_id, field) -> User | None:
    if not user_id:
        return None
    try:
        return User.objects.get(pk=int(user_id), sites__id=site_id, is_active=True, is_system=False)
    except (User.DoesNotExist, TypeError, ValueError):
        raise invalid({field: CoreError.NOT_FOUND.message}) from None


def _site_department(site_id, department_id, field="department") -> Department | None:
    if not department_id:
        return None
    try:
        return Department.objects.get(pk=int(department_id), site_id=site_id)
    except (Department.DoesNotExist, TypeError, ValueError):
        raise invalid({field: CoreError.NOT_FOUND.message}) from None


def _category(site_id, category_id) -> SuggestionCategory:
    if not category_id:
        raise ServiceError(
            SuggestionError.CATEGORY_REQUIRED, fields={"category": [SuggestionError.CATEGORY_REQUIRED.message]}
        )
    try:
        return SuggestionCategory.objects.get(site_categories_q(site_id), pk=int(category_id), is_active=True)
    except (SuggestionCategory.DoesNotExist, TypeError, ValueError):
        raise invalid({"category": CoreError.NOT_FOUND.message}) from None


def site_categories_q(site_id) -> Q:
    """The categories a site offers: the shared defaults plus its own."""
    return Q(site__isnull=True) | Q(site_id=site_id)


def _local_today(site) -> date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()


def _lock(suggestion: Suggestion, actor) -> Suggestion:
    """Scope first (another site's suggestion does not exist), then lock work order and suggestion in that order."""
    if suggestion.site_id not in site_ids_for(actor):
        raise not_found()
    WorkOrder.objects.select_for_update().filter(pk=suggestion.work_order_id).first()
    return Suggestion.objects.select_for_update().select_related("work_order", "site").get(pk=suggestion.pk)


def _require_capability(actor, capability: Capability) -> None:
    if not has_capability(actor, capability):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def _require_works_on(actor, suggestion: Suggestion) -> None:
    if not ticket_selectors.works_on(actor, suggestion.work_order):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def _check_step(suggestion: Suggestion, actor, step: Step) -> None:
    if step in transitions.DECISION_STEPS:
        _require_capability(actor, Capability.DECIDE_SUGGESTION)
    else:
        _require_works_on(actor, suggestion)
    if not is_open(suggestion.work_order.status):
        raise ServiceError(SuggestionError.ORDER_NOT_OPEN)
    if not transitions.is_allowed(suggestion.stage, step):
        if step in (Step.ADOPT, Step.REJECT) and suggestion.stage in (Stage.RECORDED, Stage.CLASSIFIED):
            raise ServiceError(SuggestionError.EVALUATION_REQUIRED)
        if step == Step.ADOPT and suggestion.stage == Stage.EVALUATED:
            raise ServiceError(SuggestionError.FORWARD_REQUIRED)
        raise ServiceError(SuggestionError.STEP_NOT_ALLOWED)


def _event(suggestion, actor, step: Step | str, *, old=None, new=None, note="") -> SuggestionEvent:
    return SuggestionEvent.objects.create(
        suggestion=suggestion, actor=actor, event_type=str(step), old=old, new=new, note=note
    )


def _move(suggestion: Suggestion, actor, step: Step, fields: list[str], *, new=None, note="") -> Suggestion:
    """Apply the step's stage change, save the named fields and write the step's event."""
    old_stage = suggestion.stage
    suggestion.stage = transitions.target(old_stage, step)
    suggestion.save(update_fields=["stage", *fields])
    _event(suggestion, actor, step, old={"stage": old_stage}, new={"stage": suggestion.stage, **(new or {})}, note=note)
    return suggestion


def _in_progress(suggestion: Suggestion, actor) -> None:
    """The work order is being handled from the first step on: accept and start it through tickets."""
    order = suggestion.work_order
    if order.status == Status.NEW:
        order = work_orders.accept_work_order(order, actor=actor)
    if order.status in (Status.ACCEPTED, Status.REOPENED):
        order = work_orders.start_work_order(order, actor=actor)
    suggestion.work_order = order


def _aware(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# ---- intake ----


def _proposer_fields(content, proposer_name, proposer_contact) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    values = []
    for field, value, error, max_length in (
        ("content", content, SuggestionError.CONTENT_REQUIRED, MAX_TEXT),
        ("proposer_name", proposer_name, SuggestionError.PROPOSER_NAME_REQUIRED, 100),
        ("proposer_contact", proposer_contact, SuggestionError.PROPOSER_CONTACT_REQUIRED, 200),
    ):
        try:
            value = clean_text(value, field, required=error, max_length=max_length)
            if field == "proposer_contact":
                # Phone, e-mail or address (SUG-01): only a phone number is normalised, or refused when mistyped.
                value = clean_contact(value, field, phone_only=False, max_length=max_length)
            values.append(value)
        except ServiceError as exc:
            errors.update(exc.fields)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ServiceError(CoreError.INVALID_INPUT, fields=errors, message=first)
    return values[0], values[1], values[2]


def _archive_customer_id(site_id, contact: str) -> int | None:
    """The archive customer who owns this number at the site, so a regular proposer is not filed twice."""
    phone = parse_phone(contact)
    if phone is None:
        return None
    return (
        CustomerPhone.objects.filter(site_id=site_id, national=phone.national)
        .order_by("id")
        .values_list("customer_id", flat=True)
        .first()
    )


@transaction.atomic
def record_suggestion(
    *,
    actor,
    site_id: int,
    content: str,
    proposer_name: str,
    proposer_contact: str,
    channel: str = Channel.WALK_IN,
    customer_id: int | None = None,
    category_id: int | None = None,
    solicited: bool = False,
    subject: str = "",
) -> Suggestion:
    """登记: content, proposer and contact (SUG-01); the proposer is found in or added to the customer archive."""
    _require_capability(actor, Capability.CREATE_WORK_ORDER)
    site = get_site_for(actor, site_id)
    content, proposer_name, proposer_contact = _proposer_fields(content, proposer_name, proposer_contact)
    category = _category(site.id, category_id) if category_id else None
    subject = clean_text(subject, "subject", max_length=200) or content.splitlines()[0][:60]
    fields = dict(
        actor=actor,
        site_id=site.id,
        type=WorkOrderType.SUGGESTION,
        channel=channel,
        subject=subject,
        description=content,
        accept_now=True,
    )
    customer_id = customer_id or _archive_customer_id(site.id, proposer_contact)
    try:
        if customer_id:
            order = work_orders.create_work_order(customer_id=customer_id, **fields)
        else:
            order = work_orders.create_work_order_with_new_customer(
                customer_name=proposer_name, customer_phone=proposer_contact, **fields
            )
    except ServiceError as exc:
        # A new proposer needs a phone number for the archive: name the fields as this form knows them.
        rename = {"customer_phone": "proposer_contact", "customer_name": "proposer_name"}
        raise ServiceError(
            exc.error, fields={rename.get(k, k): v for k, v in exc.fields.items()}, message=exc.message
        ) from exc
    return _attach(order, actor, content, proposer_name, proposer_contact, solicited, category)


@transaction.atomic
def record_suggestion_details(
    order: WorkOrder, *, actor, content: str, proposer_name: str, proposer_contact: str, solicited: bool = False
) -> Suggestion:
    """For a suggestion order taken through the generic quick-create: add the suggestion's own record."""
    _require_capability(actor, Capability.CREATE_WORK_ORDER)
    if order.site_id not in site_ids_for(actor):
        raise not_found()
    order = WorkOrder.objects.select_for_update().get(pk=order.pk)
    if order.type != WorkOrderType.SUGGESTION:
        raise ServiceError(SuggestionError.NOT_A_SUGGESTION)
    if Suggestion.objects.filter(work_order=order).exists() or not is_open(order.status):
        raise ServiceError(SuggestionError.STEP_NOT_ALLOWED)
    content, proposer_name, proposer_contact = _proposer_fields(content, proposer_name, proposer_contact)
    return _attach(order, actor, content, proposer_name, proposer_contact, solicited, None)


def _attach(order, actor, content, proposer_name, proposer_contact, solicited, category) -> Suggestion:
    suggestion = Suggestion.objects.create(
        work_order=order,
        site_id=order.site_id,
        recorded_at=order.created_at,
        content=content,
        proposer_name=proposer_name,
        proposer_contact=proposer_contact,
        solicited=bool(solicited),
        collected_by=actor,
    )
    _event(suggestion, actor, "recorded", new={"stage": Stage.RECORDED, "solicited": bool(solicited)})
    if category is not None:
        suggestion.category = category
        _move(suggestion, actor, Step.CLASSIFY, ["category"], new={"category": category.pk})
    return suggestion


# ---- steps ----


@transaction.atomic
def classify_suggestion(suggestion: Suggestion, *, actor, category_id) -> Suggestion:
    """分类 by the site's category list (SUG-02); may be corrected until the evaluation."""
    s = _lock(suggestion, actor)
    _check_step(s, actor, Step.CLASSIFY)
    category = _category(s.site_id, category_id)
    old = s.category_id
    s.category = category
    _in_progress(s, actor)
    return _move(s, actor, Step.CLASSIFY, ["category"], new={"category": category.pk, "old_category": old})


@transaction.atomic
def evaluate_suggestion(
    suggestion: Suggestion,
    *,
    actor,
    feasibility: str,
    valuable: bool | None,
    evaluation: str = "",
    evaluator_id: int | None = None,
) -> Suggestion:
    """可行性和价值评估 (SUG-03): conclusion, whether it is valuable, and who evaluated it."""
    s = _lock(suggestion, actor)
    _check_step(s, actor, Step.EVALUATE)
    if feasibility not in Feasibility.values:
        raise ServiceError(
            SuggestionError.CONCLUSION_REQUIRED, fields={"feasibility": [SuggestionError.CONCLUSION_REQUIRED.message]}
        )
    if valuable is None:
        raise ServiceError(
            SuggestionError.CONCLUSION_REQUIRED, fields={"valuable": [SuggestionError.CONCLUSION_REQUIRED.message]}
        )
    s.evaluation = clean_text(evaluation, "evaluation")
    s.evaluated_by = _site_staff(s.site_id, evaluator_id, "evaluator") or actor
    s.feasibility, s.valuable, s.evaluated_at = feasibility, bool(valuable), timezone.now()
    _in_progress(s, actor)
    return _move(
        s,
        actor,
        Step.EVALUATE,
        ["feasibility", "valuable", "evaluation", "evaluated_by", "evaluated_at"],
        new={"feasibility": feasibility, "valuable": bool(valuable), "evaluated_by": s.evaluated_by_id},
        note=s.evaluation,
    )


@transaction.atomic
def forward_suggestion(
    suggestion: Suggestion, *, actor, note: str, department_id: int | None = None, leader_id: int | None = None
) -> Suggestion:
    """上报领导 / 提交相关部门: the work order is transferred to them, so it shows in their queue."""
    s = _lock(suggestion, actor)
    _check_step(s, actor, Step.FORWARD)
    department = _site_department(s.site_id, department_id)
    leader = _site_staff(s.site_id, leader_id, "leader")
    if department is None and leader is None:
        raise ServiceError(
            SuggestionError.FORWARD_TARGET_REQUIRED,
            fields={"department": [SuggestionError.FORWARD_TARGET_REQUIRED.message]},
        )
    note = clean_text(note, "note", required=SuggestionError.FORWARD_NOTE_REQUIRED, max_length=2000)
    _in_progress(s, actor)
    s.work_order = work_orders.transfer_work_order(
        s.work_order,
        actor=actor,
        reason=note,
        department_id=department.pk if department else None,
        assignee_id=leader.pk if leader else None,
    )
    s.forwarded_to_department, s.forwarded_to, s.forwarded_at = department, leader, timezone.now()
    return _move(
        s,
        actor,
        Step.FORWARD,
        ["forwarded_to_department", "forwarded_to", "forwarded_at"],
        new={"department": department.pk if department else None, "leader": leader.pk if leader else None},
        note=note,
    )


def _decided_on(s: Suggestion, value) -> date:
    today = _local_today(s.site)
    value = value or today
    if value > today:
        raise invalid({"decided_on": CoreError.INVALID_INPUT.message})
    return value


@transaction.atomic
def adopt_suggestion(
    suggestion: Suggestion,
    *,
    actor,
    reason: str,
    plan: str,
    plan_owner_id: int | None,
    plan_due_on: date | None,
    decided_on: date | None = None,
) -> Suggestion:
    """采纳 (SUG-04/05): never without a plan naming the person responsible and the date it is due."""
    s = _lock(suggestion, actor)
    _check_step(s, actor, Step.ADOPT)
    reason = clean_text(reason, "reason", required=SuggestionError.REASON_REQUIRED)
    plan = clean_text(plan, "plan", required=SuggestionError.PLAN_REQUIRED)
    owner = _site_staff(s.site_id, plan_owner_id, "plan_owner")
    if owner is None:
        raise ServiceError(
            SuggestionError.PLAN_OWNER_REQUIRED, fields={"plan_owner": [SuggestionError.PLAN_OWNER_REQUIRED.message]}
        )
    if plan_due_on is None:
        raise ServiceError(
            SuggestionError.PLAN_DUE_REQUIRED, fields={"plan_due_on": [SuggestionError.PLAN_DUE_REQUIRED.message]}
        )
    decided = _decided_on(s, decided_on)
    if plan_due_on < _local_today(s.site):
        raise ServiceError(
            SuggestionError.PLAN_DUE_IN_PAST, fields={"plan_due_on": [SuggestionError.PLAN_DUE_IN_PAST.message]}
        )
    s.decision, s.decision_reason, s.decided_by, s.decided_on = Decision.ADOPTED, reason, actor, decided
    s.plan, s.plan_owner, s.plan_due_on = plan, owner, plan_due_on
    return _move(
        s,
        actor,
        Step.ADOPT,
        ["decision", "decision_reason", "decided_by", "decided_on", "plan", "plan_owner", "plan_due_on"],
        new={"decided_on": decided, "plan": plan, "plan_owner": owner.pk, "plan_due_on": plan_due_on},
        note=reason,
    )


@transaction.atomic
def reject_suggestion(suggestion: Suggestion, *, actor, reason: str, decided_on: date | None = None) -> Suggestion:
    """不采纳, always with the reason (the proposer will be told it)."""
    s = _lock(suggestion, actor)
    _check_step(s, actor, Step.REJECT)
    reason = clean_text(reason, "reason", required=SuggestionError.REASON_REQUIRED)
    decided = _decided_on(s, decided_on)
    s.decision, s.decision_reason, s.decided_by, s.decided_on = Decision.REJECTED, reason, actor, decided
    return _move(
        s,
        actor,
        Step.REJECT,
        ["decision", "decision_reason", "decided_by", "decided_on"],
        new={"decided_on": decided},
        note=reason,
    )


@transaction.atomic
def record_progress(suggestion: Suggestion, *, actor, note: str) -> Suggestion:
    s = _lock(suggestion, actor)
    _check_step(s, actor, Step.RECORD_PROGRESS)
    s.progress = clean_text(note, "note", required=SuggestionError.PROGRESS_REQUIRED)
    return _move(s, actor, Step.RECORD_PROGRESS, ["progress"], note=s.progress)


@transaction.atomic
def complete_implementation(suggestion: Suggestion, *, actor, result: str) -> Suggestion:
    s = _lock(suggestion, actor)
    _check_step(s, actor, Step.COMPLETE)
    s.implementation_result = clean_text(result, "result", required=SuggestionError.RESULT_REQUIRED)
    s.implemented_at = timezone.now()
    overdue = s.plan_due_on is not None and _local_today(s.site) > s.plan_due_on
    return _move(
        s,
        actor,
        Step.COMPLETE,
        ["implementation_result", "implemented_at"],
        new={"overdue": overdue},
        note=s.implementation_result,
    )


@transaction.atomic
def give_feedback(
    suggestion: Suggestion,
    *,
    actor,
    message: str,
    channel: str,
    thanked: bool,
    given_at: datetime | None = None,
) -> Suggestion:
    """反馈给提出人 (SUG-06): the outcome and what happens next, with thanks; recorded as the reply to the customer."""
    s = _lock(suggestion, actor)
    _check_step(s, actor, Step.GIVE_FEEDBACK)
    message = clean_text(message, "message", required=SuggestionError.FEEDBACK_REQUIRED)
    if channel not in FeedbackChannel.values:
        raise ServiceError(
            SuggestionError.FEEDBACK_CHANNEL_REQUIRED,
            fields={"channel": [SuggestionError.FEEDBACK_CHANNEL_REQUIRED.message]},
        )
    if not thanked:
        raise ServiceError(
            SuggestionError.FEEDBACK_MUST_THANK, fields={"thanked": [SuggestionError.FEEDBACK_MUST_THANK.message]}
        )
    now = timezone.now()
    given_at = _aware(given_at) or now
    if given_at > now:
        raise ServiceError(
            SuggestionError.FEEDBACK_IN_FUTURE, fields={"given_at": [SuggestionError.FEEDBACK_IN_FUTURE.message]}
        )
    _in_progress(s, actor)
    work_orders.reply_to_customer(s.work_order, actor=actor, body=message)
    s.feedback_at, s.feedback_channel = given_at, channel
    return _move(
        s,
        actor,
        Step.GIVE_FEEDBACK,
        ["feedback_at", "feedback_channel"],
        new={"channel": channel, "given_at": given_at, "decision": s.decision},
        note=message,
    )


def closing_refusal(suggestion: Suggestion | None) -> ServiceError | None:
    """Why the suggestion's work order may not be resolved or closed yet, or None. Read by the guards too."""
    if suggestion is None or suggestion.feedback_at is None or suggestion.stage not in transitions.DECIDED:
        return ServiceError(SuggestionError.FEEDBACK_BEFORE_CLOSE)
    if suggestion.stage == Stage.ADOPTED and not suggestion.close_reason:
        return ServiceError(SuggestionError.USE_SUGGESTION_PANEL)
    return None


@transaction.atomic
def close_suggestion(suggestion: Suggestion, *, actor, reason: str = "") -> Suggestion:
    """Resolve and close the work order once the proposer has been told; an adopted suggestion whose
    implementation is not completed needs the reason for closing it now."""
    s = _lock(suggestion, actor)
    _require_capability(actor, Capability.CLOSE_WORK_ORDER)
    _check_step(s, actor, Step.CLOSE)
    if s.feedback_at is None:
        raise ServiceError(SuggestionError.FEEDBACK_BEFORE_CLOSE)
    reason = clean_text(reason, "reason", max_length=2000)
    if s.stage == Stage.ADOPTED:
        if not reason:
            raise ServiceError(
                SuggestionError.CLOSE_REASON_REQUIRED,
                fields={"reason": [SuggestionError.CLOSE_REASON_REQUIRED.message]},
            )
        s.close_reason = reason
    _move(s, actor, Step.CLOSE, ["close_reason"], new={"decision": s.decision}, note=reason)
    _in_progress(s, actor)
    order = s.work_order
    if order.status != Status.RESOLVED:
        order = work_orders.resolve_work_order(order, actor=actor, resolution=_resolution(s))
    s.work_order = work_orders.close_work_order(order, actor=actor)
    return s


def _resolution(s: Suggestion) -> str:
    from django.utils.translation import gettext as _

    lines = [
        _("Decision: %(decision)s. %(reason)s") % {"decision": s.get_decision_display(), "reason": s.decision_reason}
    ]
    if s.stage == Stage.IMPLEMENTED:
        lines.append(_("Implemented: %(result)s") % {"result": s.implementation_result})
    elif s.close_reason:
        lines.append(_("Closed before completion: %(reason)s") % {"reason": s.close_reason})
    return "\n".join(lines)


# ---- plan reminders (SUG-05: alert when the due date passes) ----


@transaction.atomic
def flag_overdue_plan(suggestion: Suggestion, *, actor, today: date) -> bool:
    """Remind the responsible person once per day past the due date; idempotent for the same day."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from kefu.core.notifications import notify

    s = Suggestion.objects.select_for_update().select_related("work_order").get(pk=suggestion.pk)
    if s.stage != Stage.ADOPTED or s.plan_due_on is None or s.plan_due_on >= today:
        return False
    if s.overdue_notified_on == today:
        return False
    s.overdue_notified_on = today
    s.save(update_fields=["overdue_notified_on"])
    _event(s, actor, "plan_overdue", new={"plan_due_on": s.plan_due_on, "owner": s.plan_owner_id})
    notify(
        s.plan_owner,
        kind="suggestion_plan_overdue",
        title=_("Suggestion %(number)s: implementation overdue") % {"number": s.work_order.number},
        body=_("The implementation was due on %(date)s.") % {"date": s.plan_due_on.isoformat()},
        url=reverse("tickets:detail", args=[s.work_order_id]),
    )
    return True


# ---- categories ----


@transaction.atomic
def add_category(*, actor, site_id: int, name: str) -> SuggestionCategory:
    _require_capability(actor, Capability.DECIDE_SUGGESTION)
    site = get_site_for(actor, site_id)
    name = clean_text(name, "name", required=SuggestionError.CATEGORY_REQUIRED, max_length=40)
    if SuggestionCategory.objects.filter(site_categories_q(site.id), name=name).exists():
        raise ServiceError(
            SuggestionError.CATEGORY_NAME_TAKEN, fields={"name": [SuggestionError.CATEGORY_NAME_TAKEN.message]}
        )
    return SuggestionCategory.objects.create(site=site, name=name)
