"""Follow-up visits after a work order (FU-01…FU-04): schedule on close, record each attempt, act on the outcome."""

from __future__ import annotations

import zoneinfo
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts.models import User
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import site_ids_for
from kefu.complaints import services as complaints
from kefu.core.errors import CoreError, ServiceError, invalid, not_found
from kefu.core.validators import plain_text
from kefu.tickets import services as tickets
from kefu.tickets import transitions
from kefu.tickets.models import Channel, WorkOrder

from . import defaults
from .errors import FollowUpError
from .models import (
    FOLLOW_UP_TYPES,
    AssignTo,
    Consequence,
    FollowUp,
    FollowUpAttempt,
    FollowUpEvent,
    FollowUpRule,
    InfoItem,
    Method,
    OnDissatisfied,
    Satisfaction,
    Source,
    VisitStatus,
)

RULE_LIMITS = {
    "delay_hours": (0, 720),
    "due_within_hours": (1, 720),
    "retry_after_hours": (1, 168),
    "max_attempts": (1, 10),
}


def require(actor, capability: Capability) -> None:
    if not has_capability(actor, capability):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def require_site(actor, site_id: int) -> None:
    if site_id not in site_ids_for(actor):
        raise not_found()


def local_date(site, instant):
    return timezone.localtime(instant, zoneinfo.ZoneInfo(site.time_zone)).date()


def clean_text(value, field: str, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    try:
        plain_text(value)
    except ValidationError as exc:
        raise invalid({field: exc.messages}) from None
    return value


def staff_at(site_id: int, user_id) -> User:
    try:
        return User.objects.get(pk=int(user_id), sites__id=site_id, is_active=True, is_system=False)
    except (User.DoesNotExist, TypeError, ValueError):
        error = FollowUpError.ASSIGNEE_NOT_AT_SITE
        raise ServiceError(error, fields={"assignee": [error.message]}) from None


# ---- rules ----------------------------------------------------------------------------------------------------


def rule_for(site, order_type: str) -> FollowUpRule:
    """The site's rule for the type; the shipped default is created the first time it is needed."""
    rule, _created = FollowUpRule.objects.get_or_create(
        site=site, order_type=order_type, defaults=defaults.RULES[order_type]
    )
    return rule


@transaction.atomic
def update_rule(site, order_type: str, *, actor, **values) -> FollowUpRule:
    require(actor, Capability.MANAGE_FOLLOW_UP_RULES)
    require_site(actor, site.id)
    if order_type not in {t.value for t in FOLLOW_UP_TYPES}:
        raise invalid({"order_type": CoreError.INVALID_INPUT.message})
    rule = FollowUpRule.objects.select_for_update().get(pk=rule_for(site, order_type).pk)
    errors = {}
    for field, (low, high) in RULE_LIMITS.items():
        if field in values:
            value = values[field]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors[field] = [str(FollowUpError.VALUE_OUT_OF_RANGE.message)]
    for field, choices in (("method", Method), ("assign_to", AssignTo), ("on_dissatisfied", OnDissatisfied)):
        if field in values and values[field] not in choices.values:
            errors[field] = [str(CoreError.INVALID_INPUT.message)]
    if errors:
        raise invalid(errors)
    named = None
    if values.get("assign_to", rule.assign_to) == AssignTo.NAMED_PERSON:
        named_id = values.get("named_assignee_id") or rule.named_assignee_id
        if not named_id:
            error = FollowUpError.NAMED_PERSON_REQUIRED
            raise ServiceError(error, fields={"named_assignee": [error.message]})
        named = staff_at(site.id, named_id)
    old = {}
    new = {}
    for field in ("enabled", "delay_hours", "due_within_hours", "method", "assign_to", "retry_after_hours",
                  "max_attempts", "on_dissatisfied"):  # fmt: skip
        if field in values and getattr(rule, field) != values[field]:
            old[field], new[field] = getattr(rule, field), values[field]
            setattr(rule, field, values[field])
    named_id = named.pk if named else None
    if rule.named_assignee_id != named_id:
        old["named_assignee"], new["named_assignee"] = rule.named_assignee_id, named_id
        rule.named_assignee_id = named_id
    if new:
        rule.save()
        FollowUpEvent.objects.create(site=site, actor=actor, event_type=f"rule_changed:{order_type}", old=old, new=new)
    return rule


# ---- scheduling when an order closes --------------------------------------------------------------------------


def _assignee(rule: FollowUpRule, order: WorkOrder):
    if rule.assign_to == AssignTo.NAMED_PERSON and rule.named_assignee and rule.named_assignee.is_active:
        return rule.named_assignee
    if rule.assign_to == AssignTo.ORDER_ASSIGNEE and order.assignee and order.assignee.is_active:
        # The order may end with a technician; the revisit belongs to the desk that took the contact.
        if has_capability(order.assignee, Capability.PERFORM_FOLLOW_UP):
            return order.assignee
    return order.created_by


def schedule_after_close(order: WorkOrder, *, actor, now=None) -> FollowUp | None:
    """Create the follow-up of a closed order, once: an order closed again keeps its one open visit.

    Runs inside the close transaction (hook WORK_ORDER_CLOSED); the partial unique index is the final guard.
    """
    if order.type not in {t.value for t in FOLLOW_UP_TYPES} or order.customer_id is None:
        return None
    rule = rule_for(order.site, order.type)
    if not rule.enabled:
        return None
    existing = FollowUp.objects.filter(work_order=order, status=VisitStatus.OPEN).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    start = now + timedelta(hours=rule.delay_hours)
    follow_up = FollowUp(
        site_id=order.site_id,
        customer_id=order.customer_id,
        source=Source.WORK_ORDER,
        work_order=order,
        method=rule.method,
        assignee=_assignee(rule, order),
        planned_on=local_date(order.site, start),
        due_on=local_date(order.site, start + timedelta(hours=rule.due_within_hours)),
        max_attempts=rule.max_attempts,
        retry_after_hours=rule.retry_after_hours,
        on_dissatisfied=rule.on_dissatisfied,
        created_at=now,
    )
    try:
        with transaction.atomic():
            follow_up.save()
    except IntegrityError:  # a concurrent close created it first
        return FollowUp.objects.get(work_order=order, status=VisitStatus.OPEN)
    FollowUpEvent.objects.create(
        follow_up=follow_up,
        site_id=order.site_id,
        customer_id=order.customer_id,
        actor=actor,
        event_type="scheduled",
        new={"work_order": order.number, "assignee": follow_up.assignee_id, "due_on": follow_up.due_on},
    )
    return follow_up


# ---- recording a visit ----------------------------------------------------------------------------------------


def _may_perform(actor, follow_up: FollowUp) -> None:
    require(actor, Capability.PERFORM_FOLLOW_UP)
    require_site(actor, follow_up.site_id)
    if follow_up.assignee_id != actor.id and not has_capability(actor, Capability.VIEW_SATISFACTION):
        raise ServiceError(FollowUpError.NOT_YOURS)


def _check_outcome(reached, method, satisfaction, score, info) -> tuple[str, int | None, list[str]]:
    if method not in Method.values:
        raise invalid({"method": CoreError.INVALID_INPUT.message})
    info = list(info or [])
    if any(item not in InfoItem.values for item in info):
        raise invalid({"information_delivered": CoreError.INVALID_INPUT.message})
    if not reached:
        if satisfaction or score not in (None, ""):
            error = FollowUpError.OUTCOME_WITHOUT_CONTACT
            raise ServiceError(error, fields={"satisfaction": [error.message]})
        return "", None, []
    if satisfaction not in Satisfaction.values:
        error = FollowUpError.SATISFACTION_REQUIRED
        raise ServiceError(error, fields={"satisfaction": [error.message]})
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        error = FollowUpError.SCORE_RANGE
        raise ServiceError(error, fields={"score": [error.message]})
    return satisfaction, score, info


def _complaint_category(site_id: int) -> str:
    # The visit does not tell what the complaint is about; the case handler re-files it after intake.
    categories = complaints.categories_for(site_id)
    return "其他" if "其他" in categories else categories[-1]


def _open_linked_complaint(order: WorkOrder, actor, method: str, reason: str, demand: str) -> WorkOrder:
    """A complaint with its case file (投诉登记), so it follows the complaint workflow like any other."""
    customer = order.customer
    phone = customer.phones.order_by("-is_primary", "id").first()
    complaint = complaints.register_complaint(
        actor=actor,
        site_id=order.site_id,
        customer_id=customer.pk,
        channel=Channel.WALK_IN if method == Method.ON_SITE else Channel.PHONE,
        subject=f"回访不满意：{order.number} {order.subject}"[:200],
        product=(order.product or order.get_type_display())[:200],
        category=_complaint_category(order.site_id),
        demand=demand[:2000],
        complainant_name=customer.name[:100],
        contact=phone.national if phone else "",
        apology_note="回访中客户表示不满意，回访人员已致歉并转投诉处理。",
        description=reason[:2000],
    )
    return complaint.work_order


def _act_on_dissatisfaction(follow_up: FollowUp, actor, texts: dict) -> tuple[str, WorkOrder | None]:
    order = follow_up.work_order
    if order is None or follow_up.on_dissatisfied == OnDissatisfied.RECORD_ONLY:
        return Consequence.NONE, None
    comments = texts["comments"]
    reason = f"回访不满意：{comments}" if comments else "回访不满意"
    if follow_up.on_dissatisfied == OnDissatisfied.REOPEN:
        if transitions.target(order.status, transitions.Action.REOPEN) is None:
            return Consequence.ALREADY_OPEN, None
        tickets.reopen_work_order(order, actor=actor, reason=reason[:2000])
        return Consequence.REOPENED, None
    demand = texts["dissatisfaction_points"] or comments or "回访不满意，要求重新处理"
    return Consequence.COMPLAINT, _open_linked_complaint(order, actor, follow_up.method, reason, demand)


@transaction.atomic
def record_attempt(
    follow_up: FollowUp,
    *,
    actor,
    reached: bool,
    method: str = Method.PHONE,
    satisfaction: str = "",
    score: int | None = None,
    comments: str = "",
    dissatisfaction_points: str = "",
    suggestions: str = "",
    improvement_needed: bool = False,
    forwarded_to: str = "",
    information_delivered=(),
    now=None,
) -> FollowUpAttempt:
    """One call or visit. Reached: the evaluation form is stored and the task is done (不满意 acts per rule).
    Not reached: retry after the rule's hours, and after the last allowed attempt close it as unreachable."""
    _may_perform(actor, follow_up)
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",)).select_related("work_order", "site").get(pk=follow_up.pk)
    )
    if follow_up.status != VisitStatus.OPEN:
        raise ServiceError(FollowUpError.NOT_OPEN)
    satisfaction, score, info = _check_outcome(reached, method, satisfaction, score, information_delivered)
    texts = {
        "comments": clean_text(comments, "comments"),
        "dissatisfaction_points": clean_text(dissatisfaction_points, "dissatisfaction_points"),
        "suggestions": clean_text(suggestions, "suggestions"),
        "forwarded_to": clean_text(forwarded_to, "forwarded_to", max_length=100),
    }
    now = now or timezone.now()
    old = {"status": follow_up.status, "attempts": follow_up.attempts}
    follow_up.attempts += 1
    follow_up.method = method
    if reached:
        follow_up.status = VisitStatus.DONE
        follow_up.completed_at = now
        follow_up.next_attempt_at = None
    elif follow_up.attempts >= follow_up.max_attempts:
        follow_up.status = VisitStatus.UNREACHABLE
        follow_up.completed_at = now
        follow_up.next_attempt_at = None
    else:
        follow_up.next_attempt_at = now + timedelta(hours=follow_up.retry_after_hours)
    follow_up.save(update_fields=["attempts", "method", "status", "completed_at", "next_attempt_at"])
    consequence, opened = Consequence.NONE, None
    if reached and satisfaction == Satisfaction.DISSATISFIED:
        consequence, opened = _act_on_dissatisfaction(follow_up, actor, texts)
    attempt = FollowUpAttempt.objects.create(
        follow_up=follow_up,
        actor=actor,
        created_at=now,
        event_type="reached" if reached else "not_reached",
        old=old,
        new={"status": follow_up.status, "attempts": follow_up.attempts, "next_attempt_at": follow_up.next_attempt_at},
        method=method,
        reached=reached,
        satisfaction=satisfaction,
        score=score,
        improvement_needed=bool(improvement_needed) and reached,
        information_delivered=info,
        consequence=consequence,
        opened_order=opened,
        **texts,
    )
    return attempt


@transaction.atomic
def reassign_follow_up(follow_up: FollowUp, *, actor, assignee_id) -> FollowUp:
    """A supervisor hands an open visit to a colleague (leave, workload)."""
    require(actor, Capability.VIEW_SATISFACTION)
    require_site(actor, follow_up.site_id)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status != VisitStatus.OPEN:
        raise ServiceError(FollowUpError.NOT_OPEN)
    assignee = staff_at(follow_up.site_id, assignee_id)
    if follow_up.assignee_id == assignee.pk:
        return follow_up
    old = follow_up.assignee_id
    follow_up.assignee = assignee
    follow_up.save(update_fields=["assignee"])
    FollowUpEvent.objects.create(
        follow_up=follow_up,
        site_id=follow_up.site_id,
        customer_id=follow_up.customer_id,
        actor=actor,
        event_type="reassigned",
        old={"assignee": old},
        new={"assignee": assignee.pk},
    )
    return follow_up
