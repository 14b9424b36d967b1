from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Site
from kefu.core.history import Event
from kefu.customers.models import Tier
from kefu.tickets.models import Channel, Priority, WorkOrder, WorkOrderType


class HolidayYear(models.Model):
    """A year of official holiday data imported by an administrator (replaces the package's data for that year)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    source_note = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("holiday year")
        verbose_name_plural = _("holiday years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)


class OfficialDay(models.Model):
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"
    KINDS = [(HOLIDAY, _("Public holiday")), (MAKEUP_WORKDAY, _("Make-up working day"))]

    year = models.ForeignKey(HolidayYear, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=KINDS)
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("official day")
        verbose_name_plural = _("official days")
        ordering = ["day"]


class SiteCalendar(models.Model):
    """Service hours of a site. `weekly` maps "0".."6" (Monday..Sunday) to ["09:00-12:00", "13:30-18:00"]."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="calendar", verbose_name=_("site"))
    around_the_clock = models.BooleanField(_("24-hour duty"), default=False)
    observes_public_holidays = models.BooleanField(_("closed on public holidays"), default=False)
    weekly = models.JSONField(_("weekly hours"), default=dict)
    makeup_weekday = models.PositiveSmallIntegerField(_("hours used on make-up working days"), default=0)
    # Phone answer standard: pick up within three rings (电话三声铃响之内接听), else apologise.
    max_rings = models.PositiveSmallIntegerField(_("answer within rings"), default=3)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("service calendar")
        verbose_name_plural = _("service calendars")


class CalendarOverride(models.Model):
    """A site's exception to its weekly hours on one date: closed, or open with its own hours."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="calendar_overrides")
    day = models.DateField(_("date"))
    closed = models.BooleanField(_("closed"), default=True)
    hours = models.JSONField(_("hours"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="calendar_override_unique_day")]


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")
    PROMISED_REPLY = "promised_reply", _("Promised reply")


class SlaPolicy(models.Model):
    """A response standard. Policies are tried in `position` order; the first whose conditions match wins.

    Blank conditions match anything. A change bumps `version` and records a snapshot event; orders keep the
    version their clocks were computed with, so an edit never silently moves existing deadlines.
    """

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    type = models.CharField(_("type"), max_length=20, choices=WorkOrderType.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, null=True, blank=True)
    tier = models.CharField(_("customer tier"), max_length=1, choices=Tier.choices, blank=True)
    at_risk_percent = models.PositiveSmallIntegerField(_("at risk after this percentage of the target"), default=80)
    supervisor_after_breach_minutes = models.PositiveIntegerField(
        _("escalate to supervisor after breach (min)"), default=0
    )
    manager_after_breach_minutes = models.PositiveIntegerField(_("escalate to manager after breach (min)"), default=60)
    promised_reply_required = models.BooleanField(_("a promised reply time is required when parked"), default=False)
    reminder_before_promise_minutes = models.PositiveIntegerField(_("remind before promised time (min)"), default=30)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("response standard")
        verbose_name_plural = _("response standards")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class SlaTarget(models.Model):
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("target"), max_length=20, choices=Metric.choices)
    minutes = models.PositiveIntegerField(_("minutes"))
    business_time = models.BooleanField(_("in business time"), default=True)
    pause_statuses = models.JSONField(_("statuses that pause the clock"), default=list, blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [models.UniqueConstraint(fields=["policy", "metric"], name="sla_target_unique_metric")]


class SlaConfigEvent(Event):
    """Versioned record of every change to policies, service hours and holiday data (new = full snapshot)."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.PROTECT, null=True, related_name="events")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, related_name="+")
    version = models.PositiveIntegerField(null=True)

    class Meta(Event.Meta):
        verbose_name = _("deadline configuration change")
        verbose_name_plural = _("deadline configuration changes")


class ClockState(models.TextChoices):
    RUNNING = "running", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BREACHED = "breached", _("Breached")
    PAUSED = "paused", _("Paused")
    FULFILLED = "fulfilled", _("Met")
    CANCELLED = "cancelled", _("Stopped")


class WorkOrderClock(models.Model):
    """One running target of one order. Instants are stored, so the scan only compares against now."""

    # Indexed by the unique (work_order, metric), as SlaEvent's by sla_event_order.
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, db_index=False, related_name="clocks")
    metric = models.CharField(max_length=20, choices=Metric.choices)
    policy = models.ForeignKey(SlaPolicy, on_delete=models.PROTECT, null=True, related_name="+")
    policy_version = models.PositiveIntegerField(default=1)
    target_minutes = models.PositiveIntegerField()
    business_time = models.BooleanField(default=True)
    pause_statuses = models.JSONField(default=list)
    at_risk_percent = models.PositiveSmallIntegerField(default=80)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True)
    at_risk_at = models.DateTimeField(null=True)
    state = models.CharField(max_length=12, choices=ClockState.choices, default=ClockState.RUNNING)
    # The clock counts open time since `anchor_at` on top of `consumed_seconds` counted before it;
    # pausing folds the running stretch into consumed_seconds, resuming moves the anchor to now.
    anchor_at = models.DateTimeField()
    consumed_seconds = models.FloatField(default=0)
    paused_at = models.DateTimeField(null=True)
    supervisor_after_minutes = models.PositiveIntegerField(default=0)
    manager_after_minutes = models.PositiveIntegerField(default=60)
    fulfilled_at = models.DateTimeField(null=True)
    breached_at = models.DateTimeField(null=True)
    uncertain = models.BooleanField(default=False)  # computed across a year without official holiday data
    cycle = models.PositiveIntegerField(default=1)  # a restarted clock (new promise, reopen) starts a new cycle

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [models.UniqueConstraint(fields=["work_order", "metric"], name="sla_clock_unique_metric")]
        indexes = [
            models.Index(fields=["state", "due_at"], name="sla_clock_due"),
            models.Index(fields=["state", "at_risk_at"], name="sla_clock_at_risk"),
        ]


class SlaEvent(Event):
    """Every start, pause, resume, fulfilment and breach of a clock, so reports never re-derive them."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, db_index=False, related_name="sla_events")
    metric = models.CharField(max_length=20, choices=Metric.choices)

    class Meta(Event.Meta):
        verbose_name = _("deadline event")
        verbose_name_plural = _("deadline events")
        indexes = [models.Index(fields=["work_order", "metric"], name="sla_event_order")]


class EscalationLevel(models.TextChoices):
    REMIND_ASSIGNEE = "remind", _("Reminder to the handler")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")


class Escalation(models.Model):
    """逐级上报. Automatic escalations are unique per clock cycle and level: a second scan cannot repeat them."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="escalations")
    metric = models.CharField(max_length=20, choices=Metric.choices, blank=True)
    cycle = models.PositiveIntegerField(default=1)
    level = models.CharField(_("level"), max_length=12, choices=EscalationLevel.choices)
    automatic = models.BooleanField(default=True)
    skipped_level = models.CharField(max_length=12, choices=EscalationLevel.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["work_order", "metric", "cycle", "level"],
                condition=models.Q(automatic=True),
                name="escalation_once_per_clock_level",
            )
        ]


class CallRecord(models.Model):
    """Phone-call register (电话接听登记): how many rings before the agent answered, and the apology when late."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("agent")
    )
    work_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="calls")
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    rings = models.PositiveSmallIntegerField(_("rings before answering"))
    max_rings = models.PositiveSmallIntegerField(_("standard"))
    answered_late = models.BooleanField(_("answered late"), default=False)
    apology_made = models.BooleanField(_("apologised"), default=False)

    class Meta:
        verbose_name = _("call record")
        verbose_name_plural = _("call register")
        indexes = [models.Index(fields=["site", "answered_at"], name="call_site_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_late=False) | models.Q(apology_made=True), name="late_call_needs_apology"
            )
        ]
