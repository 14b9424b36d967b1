from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, Shop, Site
from kefu.core.choices import CachedChoiceLabels
from kefu.core.history import Event
from kefu.customers.models import Customer

from .transitions import Status


class WorkOrderType(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    REPAIR = "repair", _("Repair")
    AFTER_SALES = "after_sales", _("After-sales")
    SPECIAL_SERVICE = "special_service", _("Special service")
    LOST_FOUND = "lost_found", _("Lost and found")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in / service desk")
    ONLINE = "online", _("Online chat")
    EMAIL = "email", _("Email")
    SOCIAL = "social", _("Social platform")
    WEB_FORM = "web_form", _("Web form")
    LETTER = "letter", _("Letter")


class Priority(models.IntegerChoices):
    # Stored as a rank so "most urgent first" is a plain index order.
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class WorkOrder(CachedChoiceLabels, models.Model):
    """A work order (工单): every customer contact of every type becomes one."""

    # No single-column index where Meta.indexes has one that starts with the column and ends with the id (which
    # SQLite's single-column index implicitly is): every create would update both.
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, db_index=False, related_name="work_orders", verbose_name=_("site")
    )
    number = models.CharField(_("number"), max_length=32, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=WorkOrderType.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        db_index=False,  # wo_customer
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("customer"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    shop = models.ForeignKey(
        Shop,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("shop / merchant"),
    )
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    unit = models.CharField(_("unit / room"), max_length=40, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    product = models.CharField(_("product or service"), max_length=200, blank=True)
    staff_involved = models.CharField(_("staff involved"), max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_work_orders",
        verbose_name=_("assignee"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("responsible department"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("first reply at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.TextField(_("handling and result"), blank=True)
    # Optimistic concurrency: a write that names an older version is refused with 409 (no lost update).
    version = models.PositiveIntegerField(_("version"), default=1)
    # Nearest pending deadline and worst clock state, kept here by the SLA app so the queue can sort on them.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_default=None)
    sla_state = models.CharField(
        _("deadline state"),
        max_length=12,
        blank=True,
        default="",
        db_default="",
        choices=[
            ("", _("No deadline")),
            ("on_track", _("On track")),
            ("at_risk", _("At risk")),
            ("breached", _("Breached")),
        ],
    )

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["site", "status", "id"], name="wo_site_status"),
            models.Index(fields=["site", "id"], name="wo_site_id"),
            models.Index(fields=["assignee", "status", "id"], name="wo_assignee_status"),
            models.Index(fields=["department", "status", "id"], name="wo_department_status"),
            models.Index(fields=["site", "type", "id"], name="wo_site_type"),
            # The queue's usual filter (status + type): its capped count reads this index only.
            models.Index(fields=["site", "status", "type", "id"], name="wo_site_status_type"),
            models.Index(fields=["site", "created_at"], name="wo_site_created"),
            models.Index(fields=["customer", "id"], name="wo_customer"),
            models.Index(fields=["site", "status", "due_at", "id"], name="wo_site_status_due"),
            # Deadline order over every status: only orders with a running clock have a due instant.
            models.Index(fields=["site", "due_at", "id"], name="wo_site_due", condition=models.Q(due_at__isnull=False)),
            models.Index(fields=["site", "sla_state", "id"], name="wo_site_sla_state"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(subject=""), name="wo_subject_not_empty"),
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | models.Q(type="inquiry"),
                name="wo_customer_required_unless_inquiry",
            ),
        ]

    def __str__(self):
        return self.number


class WorkOrderSequence(models.Model):
    """Last number handed out per site and local day: numbering is gap-free because it is a locked counter."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        # Plain (no condition, no expressions, not deferrable): PostgreSQL's create takes its number with
        # `INSERT … ON CONFLICT (site_id, day)`, which only a unique index on exactly these columns can serve.
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="wo_sequence_unique_day")]


class WorkOrderEvent(Event):
    """Timeline of a work order: status changes, assignments, transfers, replies, notes (append-only)."""

    work_order = models.ForeignKey(  # indexed by wo_event_timeline
        WorkOrder, on_delete=models.PROTECT, db_index=False, related_name="events", verbose_name=_("work order")
    )

    class Meta(Event.Meta):
        verbose_name = _("work-order event")
        verbose_name_plural = _("work-order events")
        indexes = [models.Index(fields=["work_order", "created_at", "id"], name="wo_event_timeline")]


def attachment_path(instance, filename):
    # Stored under an opaque name; the original name is kept in the row only.
    return f"attachments/{timezone.now():%Y/%m}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("work order")
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=10, editable=False)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
