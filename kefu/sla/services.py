"""Named writes of the SLA clock: start, pause, resume, fulfil, breach, promise, escalate, and policy edits.

Clocks change only on events (a work-order fact or the periodic scan); every change writes an SlaEvent in
the same transaction, so compliance reports read facts instead of re-deriving them.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.accounts.models import Role, User
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import get_site_for
from kefu.core.errors import CoreError, ServiceError
from kefu.core.inserts import Rows, send_together
from kefu.core.notifications import notify
from kefu.tickets.models import Priority, WorkOrder
from kefu.tickets.selectors import works_on
from kefu.tickets.services import record_deadline, record_escalation
from kefu.tickets.transitions import OPEN_STATUSES, Status

from . import calendar_store, clocks
from .errors import SlaError
from .models import (
    CallRecord,
    ClockState,
    Escalation,
    EscalationLevel,
    Metric,
    SiteCalendar,
    SlaEvent,
    SlaPolicy,
    SlaTarget,
    WorkOrderClock,
)

ACTIVE = (ClockState.RUNNING, ClockState.AT_RISK, ClockState.PAUSED)
PENDING = (ClockState.RUNNING, ClockState.AT_RISK)
_STATE_RANK = {"": 0, "on_track": 1, "at_risk": 2, "breached": 3}


# --- policy matching ------------------------------------------------------------------------------------


POLICY_CACHE_SECONDS = 30  # other processes pick up an edit within this; this process at once
_policy_cache: list = []


def clear_policy_cache() -> None:
    _policy_cache.clear()


def active_policies() -> list[SlaPolicy]:
    """Active policies in match order with their targets, cached: every new order needs them."""
    if _policy_cache and _policy_cache[0][0] > time.monotonic():
        return _policy_cache[0][1]
    rows = list(SlaPolicy.objects.filter(is_active=True).prefetch_related("targets").order_by("position", "id"))
    _policy_cache[:] = [(time.monotonic() + POLICY_CACHE_SECONDS, rows)]
    return rows


def _matches(policy: SlaPolicy, order: WorkOrder, tier: str) -> bool:
    return (
        (policy.site_id is None or policy.site_id == order.site_id)
        and (not policy.type or policy.type == order.type)
        and (not policy.channel or policy.channel == order.channel)
        and (policy.priority is None or policy.priority == order.priority)
        and (not policy.tier or policy.tier == tier)
    )


def match_policy(order: WorkOrder) -> SlaPolicy | None:
    """First active policy, in position order, whose every set condition equals the order's value."""
    tier = order.customer.tier if order.customer_id else ""
    return next((p for p in active_policies() if _matches(p, order, tier)), None)


def _event(order_id, actor, metric, event_type, *, old=None, new=None, note=""):
    SlaEvent.objects.create(
        work_order_id=order_id, actor=actor, metric=metric, event_type=event_type, old=old, new=new, note=note
    )


def _summary(clocks_: list[dict]) -> tuple[datetime | None, str]:
    """Nearest pending deadline and worst state of the unfinished clocks (state, due_at of each)."""
    running = [c for c in clocks_ if c["state"] != ClockState.PAUSED and c["due_at"]]
    due_at = min((c["due_at"] for c in running), default=None)
    state = ""
    for c in running:
        s = {"running": "on_track", "at_risk": "at_risk", "breached": "breached"}[c["state"]]
        state = s if _STATE_RANK[s] > _STATE_RANK[state] else state
    return due_at, state


def _refresh_order(order: WorkOrder, clocks_: list[dict] | None = None) -> None:
    """Keep the order's nearest deadline and worst clock state on the order row, where the queue sorts by it.

    `clocks_` (state, due_at of every unfinished clock) saves the read when the caller has just made them all."""
    if clocks_ is None:
        clocks_ = list(
            WorkOrderClock.objects.filter(work_order_id=order.pk, fulfilled_at__isnull=True)
            .exclude(state__in=[ClockState.CANCELLED, ClockState.FULFILLED])
            .values("state", "due_at")
        )
    due_at, state = _summary(clocks_)
    record_deadline(order, due_at=due_at, sla_state=state)


def _new_clock(order, policy, target: SlaTarget, start: datetime, cal) -> WorkOrderClock:
    clock = WorkOrderClock(
        work_order=order,
        metric=target.metric,
        policy=policy,
        policy_version=policy.version,
        target_minutes=target.minutes,
        business_time=target.business_time,
        pause_statuses=list(target.pause_statuses or []),
        at_risk_percent=policy.at_risk_percent,
        supervisor_after_minutes=policy.supervisor_after_breach_minutes,
        manager_after_minutes=policy.manager_after_breach_minutes,
        started_at=start,
        anchor_at=start,
    )
    clocks.place(clock, cal)
    return clock


# --- reactions to work-order facts (called from receivers, inside the work order's transaction) ----------


def _plan(order: WorkOrder) -> tuple[SlaPolicy | None, list[WorkOrderClock]]:
    policy = match_policy(order)
    if policy is None:
        return None, []
    cal = calendar_store.calendar_for_site(order.site)
    # PROMISED_REPLY starts only when somebody promises a time.
    targets = [t for t in policy.targets.all() if t.metric != Metric.PROMISED_REPLY]
    return policy, [_new_clock(order, policy, target, order.created_at, cal) for target in targets]


def _started_events(order, actor, policy, made) -> list[SlaEvent]:
    return [
        SlaEvent(
            work_order=order,
            actor=actor,
            metric=clock.metric,
            event_type="clock_started",
            old=None,
            new={
                "due_at": clock.due_at,
                "policy": policy.pk,
                "policy_version": policy.version,
                "uncertain": clock.uncertain,
            },
            note="",
        )
        for clock in made
    ]


def _rows(order, actor, policy, made) -> tuple[Rows, ...]:
    """The clocks and their start events as rows to send (none when the order has no policy)."""
    return (Rows(made), Rows(_started_events(order, actor, policy, made))) if made else ()


def plan_clocks(order: WorkOrder, *, actor) -> None:
    """Before a new order is written: its clocks and their events (unsaved, their values taken, kept on the
    instance for start_clocks) and the deadline summary on the order itself, so the create inserts it with its
    due_at instead of updating an indexed column afterwards, and the calendar work is done before the write lock
    is taken."""
    policy, made = _plan(order)
    order._sla_plan = (policy, made, _rows(order, actor, policy, made))
    order.due_at, order.sla_state = _summary([{"state": c.state, "due_at": c.due_at} for c in made])


def has_pending_plan(order: WorkOrder) -> bool:
    """Planned but not yet started: the order is being created and has no clock rows yet."""
    return "_sla_plan" in order.__dict__


def start_clocks(order: WorkOrder, *, actor) -> list[WorkOrderClock]:
    """The clocks of an order that has none yet (a new one; the unique metric per order guarantees it).

    Runs in every create, so the rows go in as one insert per table and the summary needs no re-read. Sends the
    rows planned before the insert when there are (a create), else plans now (a bulk load, an upgrade)."""
    plan = order.__dict__.pop("_sla_plan", None)
    if plan is None:
        policy, made = _plan(order)
        plan = (policy, made, _rows(order, actor, policy, made))
    policy, made, rows = plan
    if not made:
        return []
    for planned in rows:
        planned.restate("work_order")  # the order had no id when they were planned
    companions = order.__dict__.get("companion_rows")
    if companions is not None:  # a create in progress: it sends them with its own rows
        companions.extend(rows)
    else:
        send_together(*rows)
    _refresh_order(order, [{"state": clock.state, "due_at": clock.due_at} for clock in made])
    if hasattr(order, "written"):  # a create's instance: its answer shows these without a read
        order.written["clocks"] = sorted(made, key=lambda c: c.metric)
    return made


def _stop(clock: WorkOrderClock, actor, now: datetime, *, event_type: str) -> None:
    old_state = clock.state
    if event_type == "clock_fulfilled":
        clock.fulfilled_at = now
        if clock.state != ClockState.BREACHED:
            clock.state = ClockState.FULFILLED
    else:
        clock.state = ClockState.CANCELLED
    clock.save(update_fields=["state", "fulfilled_at"])
    _event(
        clock.work_order_id,
        actor,
        clock.metric,
        event_type,
        old={"state": old_state},
        new={"state": clock.state, "at": now, "due_at": clock.due_at},
    )


def _pause(clock, actor, now, cal) -> None:
    clock.consumed_seconds = clocks.consumed_at(clock, cal, now).total_seconds()
    clock.paused_at = now
    old = clock.state
    clock.state = ClockState.PAUSED
    clock.save(update_fields=["consumed_seconds", "paused_at", "state"])
    _event(clock.work_order_id, actor, clock.metric, "clock_paused", old={"state": old}, new={"at": now})


def _resume(clock, actor, now, cal) -> None:
    clock.anchor_at = now
    clock.paused_at = None
    clocks.place(clock, cal)
    clock.state = ClockState.BREACHED if clock.breached_at else ClockState.RUNNING
    if clock.state == ClockState.RUNNING and clock.at_risk_at <= now:
        clock.state = ClockState.AT_RISK
    clock.save(update_fields=["anchor_at", "paused_at", "due_at", "at_risk_at", "uncertain", "state"])
    _event(clock.work_order_id, actor, clock.metric, "clock_resumed", new={"at": now, "due_at": clock.due_at})


def on_status_changed(order: WorkOrder, *, actor, old: str, new: str) -> None:
    now = timezone.now()
    cal = calendar_store.calendar_for_site(order.site)
    for clock in WorkOrderClock.objects.select_for_update().filter(
        work_order_id=order.pk, state__in=ACTIVE + (ClockState.BREACHED,), fulfilled_at__isnull=True
    ):
        if new in (Status.CANCELLED, Status.CLOSED):
            _stop(clock, actor, now, event_type="clock_stopped")
        elif new == Status.RESOLVED and clock.metric == Metric.RESOLUTION:
            if clock.state == ClockState.PAUSED:
                clock.state = ClockState.BREACHED if clock.breached_at else ClockState.RUNNING
            _stop(clock, actor, now, event_type="clock_fulfilled")
        elif clock.state == ClockState.PAUSED and new not in clock.pause_statuses:
            _resume(clock, actor, now, cal)
        elif clock.state != ClockState.PAUSED and new in clock.pause_statuses:
            _pause(clock, actor, now, cal)
    if new == Status.REOPENED:
        _restart_resolution(order, actor, now, cal)
    _refresh_order(order)


def _restart_resolution(order, actor, now, cal) -> None:
    """A reopened order owes the customer a fresh resolution: a new cycle of the same target."""
    clock = WorkOrderClock.objects.select_for_update().filter(work_order_id=order.pk, metric=Metric.RESOLUTION).first()
    if clock is None:
        return
    clock.cycle += 1
    clock.started_at = clock.anchor_at = now
    clock.consumed_seconds = 0
    clock.paused_at = clock.fulfilled_at = clock.breached_at = None
    clock.state = ClockState.RUNNING
    clocks.place(clock, cal)
    clock.save()
    _event(order.pk, actor, clock.metric, "clock_restarted", new={"cycle": clock.cycle, "due_at": clock.due_at})


def on_replied(order: WorkOrder, *, actor) -> None:
    """A reply to the customer meets the first-response target and any promised reply."""
    now = timezone.now()
    changed = False
    for clock in (
        WorkOrderClock.objects.select_for_update()
        .filter(
            work_order_id=order.pk, metric__in=[Metric.FIRST_RESPONSE, Metric.PROMISED_REPLY], fulfilled_at__isnull=True
        )
        .exclude(state=ClockState.CANCELLED)
    ):
        if clock.state == ClockState.PAUSED:
            clock.state = ClockState.BREACHED if clock.breached_at else ClockState.RUNNING
        _stop(clock, actor, now, event_type="clock_fulfilled")
        changed = True
    if changed:
        _refresh_order(order)


def recompute_clocks(order: WorkOrder, *, actor, reason: str) -> None:
    """Priority or tier changed: re-match the policy and re-place running clocks with the new targets."""
    policy = match_policy(order)
    cal = calendar_store.calendar_for_site(order.site)
    targets = {t.metric: t for t in policy.targets.all()} if policy else {}
    now = timezone.now()
    for clock in WorkOrderClock.objects.select_for_update().filter(work_order_id=order.pk, state__in=ACTIVE):
        target = targets.get(clock.metric)
        if target is None or clock.metric == Metric.PROMISED_REPLY:
            continue
        old_due = clock.due_at
        if clock.paused_at is None:
            clock.consumed_seconds = clocks.consumed_at(clock, cal, now).total_seconds()
            clock.anchor_at = now
        clock.policy, clock.policy_version = policy, policy.version
        clock.target_minutes, clock.business_time = target.minutes, target.business_time
        clock.pause_statuses = list(target.pause_statuses or [])
        clock.at_risk_percent = policy.at_risk_percent
        clocks.place(clock, cal)
        if clock.state == ClockState.AT_RISK and clock.at_risk_at > now:
            clock.state = ClockState.RUNNING
        clock.save()
        _event(
            order.pk,
            actor,
            clock.metric,
            "clock_recomputed",
            old={"due_at": old_due},
            new={"due_at": clock.due_at, "policy_version": policy.version},
            note=reason,
        )
    _refresh_order(order)


# --- promised reply (约定回复时间) ---------------------------------------------------------------------


@transaction.atomic
def promise_reply(order: WorkOrder, *, actor, promised_at: datetime, reason: str = "", now=None) -> WorkOrderClock:
    """Record the time the customer was told to expect an answer; a changed promise needs a reason."""
    now = now or timezone.now()
    if promised_at is None:
        raise ServiceError(SlaError.PROMISE_REQUIRED, fields={"promised_at": [SlaError.PROMISE_REQUIRED.message]})
    if promised_at <= now:
        raise ServiceError(SlaError.PROMISE_IN_PAST, fields={"promised_at": [SlaError.PROMISE_IN_PAST.message]})
    reason = (reason or "").strip()
    order = WorkOrder.objects.select_for_update().select_related("site").get(pk=order.pk)
    if not works_on(actor, order):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    if order.status not in OPEN_STATUSES:
        raise ServiceError(SlaError.PROMISE_ON_FINISHED_ORDER)
    clock = (
        WorkOrderClock.objects.select_for_update().filter(work_order_id=order.pk, metric=Metric.PROMISED_REPLY).first()
    )
    policy = match_policy(order)
    reminder = timedelta(minutes=policy.reminder_before_promise_minutes if policy else 30)
    # Informational only (due_at is the promise itself); capped so a far-off promise cannot overflow the column.
    total = min(max(int((promised_at - now).total_seconds() // 60), 1), 2**31 - 1)
    if clock is None:
        clock = WorkOrderClock(
            work_order=order,
            metric=Metric.PROMISED_REPLY,
            policy=policy,
            policy_version=policy.version if policy else 1,
        )
        event_type, old = "promise_made", None
    else:
        if clock.fulfilled_at is None and clock.state != ClockState.CANCELLED and not reason:
            raise ServiceError(
                SlaError.PROMISE_REASON_REQUIRED, fields={"reason": [SlaError.PROMISE_REASON_REQUIRED.message]}
            )
        clock.cycle += 1
        event_type, old = "promise_changed", {"due_at": clock.due_at}
    clock.target_minutes = total
    clock.business_time = False  # the customer was given an instant, not an amount of office time
    clock.pause_statuses = []
    clock.started_at = clock.anchor_at = now
    clock.consumed_seconds = 0
    clock.paused_at = clock.fulfilled_at = clock.breached_at = None
    clock.due_at = promised_at
    clock.at_risk_at = max(promised_at - reminder, now)
    clock.at_risk_percent = 100
    clock.uncertain = False
    clock.state = ClockState.RUNNING
    if policy:
        clock.supervisor_after_minutes = policy.supervisor_after_breach_minutes
        clock.manager_after_minutes = policy.manager_after_breach_minutes
    clock.save()
    _event(order.pk, actor, Metric.PROMISED_REPLY, event_type, old=old, new={"due_at": promised_at}, note=reason)
    _refresh_order(order)
    return clock


# --- the scan: at risk, breached, escalation ------------------------------------------------------------


def _recipients(order: WorkOrder, level: str) -> list[User]:
    if level == EscalationLevel.REMIND_ASSIGNEE:
        return [order.assignee] if order.assignee_id and order.assignee.is_active else []
    role = Role.SUPERVISOR if level == EscalationLevel.SUPERVISOR else Role.MANAGER
    return list(User.objects.filter(is_active=True, role=role, sites=order.site_id).order_by("id"))


# Marked for the catalogue (unmarked, they were never translated and reached every inbox in English).
_LEVEL_TITLES = {
    EscalationLevel.REMIND_ASSIGNEE: gettext_noop("Deadline approaching: %(number)s"),
    EscalationLevel.SUPERVISOR: gettext_noop("Deadline missed, escalated to supervisor: %(number)s"),
    EscalationLevel.MANAGER: gettext_noop("Deadline missed, escalated to manager: %(number)s"),
}


def _escalate_once(clock: WorkOrderClock, level: str, actor, reason: str) -> Escalation | None:
    """Insert the escalation; the unique constraint makes a second scan (or a concurrent one) a no-op."""
    order = WorkOrder.objects.select_related("site", "assignee").get(pk=clock.work_order_id)
    try:
        with transaction.atomic():
            esc = Escalation.objects.create(
                work_order=order,
                metric=clock.metric,
                cycle=clock.cycle,
                level=level,
                automatic=True,
                reason=reason,
                created_by=actor,
            )
    except IntegrityError:
        return None
    _deliver(order, esc, actor)
    return esc


def _deliver(order: WorkOrder, esc: Escalation, actor) -> None:
    title = _(_LEVEL_TITLES[esc.level]) % {"number": order.number}
    url = f"/work-orders/{order.pk}/"
    for user in _recipients(order, esc.level):
        notify(user, kind=f"escalation_{esc.level}", title=title, body=f"{order.subject}\n{esc.reason}", url=url)
    if esc.skipped_level:
        skipped_title = _("Skip-level escalation reported to you afterwards: %(number)s") % {"number": order.number}
        for user in _recipients(order, esc.skipped_level):
            notify(user, kind="escalation_skipped", title=skipped_title, body=esc.reason, url=url)
    record_escalation(order, actor=actor, level=esc.level, reason=esc.reason, skipped_level=esc.skipped_level)


@transaction.atomic
def mark_at_risk(clock_id: int, *, actor, now: datetime) -> bool:
    updated = WorkOrderClock.objects.filter(pk=clock_id, state=ClockState.RUNNING, at_risk_at__lte=now).update(
        state=ClockState.AT_RISK
    )
    if not updated:
        return False
    clock = WorkOrderClock.objects.get(pk=clock_id)
    _event(clock.work_order_id, actor, clock.metric, "clock_at_risk", new={"at": now, "due_at": clock.due_at})
    _escalate_once(clock, EscalationLevel.REMIND_ASSIGNEE, actor, _("The deadline is near."))
    _refresh_order(WorkOrder.objects.get(pk=clock.work_order_id))
    return True


@transaction.atomic
def mark_breached(clock_id: int, *, actor, now: datetime) -> bool:
    clock = WorkOrderClock.objects.filter(pk=clock_id).first()
    if clock is None:
        return False
    updated = WorkOrderClock.objects.filter(pk=clock_id, state__in=PENDING, due_at__lte=now).update(
        state=ClockState.BREACHED, breached_at=clock.due_at
    )
    if not updated:
        return False
    clock.refresh_from_db()
    _event(clock.work_order_id, actor, clock.metric, "clock_breached", new={"due_at": clock.due_at, "noticed_at": now})
    _refresh_order(WorkOrder.objects.get(pk=clock.work_order_id))
    return True


@transaction.atomic
def escalate_breach(clock_id: int, level: str, *, actor) -> Escalation | None:
    clock = WorkOrderClock.objects.get(pk=clock_id)
    return _escalate_once(clock, level, actor, _("The deadline was missed."))


# A manual escalation to the level already asked within this window is a repeat, not news: the superior was told.
MANUAL_REPEAT_WINDOW = timedelta(minutes=10)


@transaction.atomic
def escalate_work_order(order: WorkOrder, *, actor, level: str, reason: str, skip_level: bool = False) -> Escalation:
    """Manual 逐级请示: to the supervisor, or (urgent only) straight to the manager with the supervisor told after.
    Refused on a finished order, and for the level the order was escalated to in the last MANUAL_REPEAT_WINDOW."""
    if not has_capability(actor, Capability.ESCALATE):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            SlaError.ESCALATION_REASON_REQUIRED, fields={"reason": [SlaError.ESCALATION_REASON_REQUIRED.message]}
        )
    if level not in (EscalationLevel.SUPERVISOR, EscalationLevel.MANAGER):
        raise ServiceError(CoreError.INVALID_INPUT, fields={"level": [str(CoreError.INVALID_INPUT.message)]})
    skipped = ""
    if level == EscalationLevel.MANAGER and actor.role in (Role.AGENT, Role.TECHNICIAN):
        if not skip_level:
            level = EscalationLevel.SUPERVISOR  # level by level: an agent's next level is the supervisor
        elif order.priority != Priority.URGENT:
            raise ServiceError(SlaError.SKIP_LEVEL_ONLY_URGENT)
        else:
            skipped = EscalationLevel.SUPERVISOR
    # The order's row lock makes two quick submissions (a double click, two colleagues) queue for the checks.
    order = WorkOrder.objects.select_related("site", "assignee").select_for_update(of=("self",)).get(pk=order.pk)
    if order.status not in OPEN_STATUSES:
        raise ServiceError(SlaError.ESCALATION_ON_FINISHED_ORDER)
    recent = timezone.now() - MANUAL_REPEAT_WINDOW
    if Escalation.objects.filter(work_order=order, level=level, automatic=False, created_at__gt=recent).exists():
        raise ServiceError(SlaError.ESCALATION_REPEATED)
    if not _recipients(order, level):
        raise ServiceError(SlaError.NO_RECIPIENT)
    esc = Escalation.objects.create(
        work_order=order, level=level, automatic=False, skipped_level=skipped, reason=reason, created_by=actor
    )
    _deliver(order, esc, actor)
    return esc


# --- phone answer standard ------------------------------------------------------------------------------


@transaction.atomic
def log_call(*, actor, site_id: int, rings, apology_made: bool = False, work_order_id: int | None = None) -> CallRecord:
    """Register an answered call; a call answered after the site's ring standard needs the apology confirmed."""
    site = get_site_for(actor, site_id)
    try:
        rings = int(rings)
    except (TypeError, ValueError):
        rings = -1
    if not 0 <= rings <= 30:
        raise ServiceError(SlaError.BAD_RINGS, fields={"rings": [SlaError.BAD_RINGS.message]})
    max_rings = SiteCalendar.objects.filter(site=site).values_list("max_rings", flat=True).first() or 3
    late = rings > max_rings
    if late and not apology_made:
        raise ServiceError(SlaError.APOLOGY_REQUIRED, fields={"apology_made": [SlaError.APOLOGY_REQUIRED.message]})
    order = None
    if work_order_id:
        order = WorkOrder.objects.filter(pk=work_order_id, site=site).first()
        if order is None:
            raise ServiceError(CoreError.NOT_FOUND)
    return CallRecord.objects.create(
        site=site,
        agent=actor,
        work_order=order,
        rings=rings,
        max_rings=max_rings,
        answered_late=late,
        apology_made=bool(apology_made),
    )


def start_missing_clocks(*, actor, since: datetime) -> int:
    """Give open orders created since `since` that have no clock their deadlines (after a bulk load or an upgrade)."""
    orders = (
        WorkOrder.objects.filter(created_at__gte=since, status__in=list(OPEN_STATUSES), clocks__isnull=True)
        .select_related("site", "customer")
        .order_by("id")
    )
    started = 0
    for order in orders.iterator(chunk_size=500):
        with transaction.atomic():
            started += bool(start_clocks(order, actor=actor))
            if order.status in (Status.AWAITING_CUSTOMER,):
                on_status_changed(order, actor=actor, old=Status.IN_PROGRESS, new=order.status)
    return started
