"""The repair work sheet (维修工作单): a repair work order's location, access, field work, fee and sign-off.

The work order itself (status, assignee, SLA clocks) stays in `tickets`; this sheet holds what only a repair has.
Row invariants live here as database constraints so no code path can store, say, a free repair with an amount.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.accounts.models import Site
from kefu.core.history import Event
from kefu.tickets.models import Attachment, WorkOrder


class ReporterType(models.TextChoices):
    MERCHANT = "merchant", _("Merchant")
    RESIDENT = "resident", _("Resident")
    OTHER = "other", _("Other person")


class LocationKind(models.TextChoices):
    UNIT = "unit", _("Building / unit")
    SHOP = "shop", _("Shop")
    PUBLIC = "public", _("Public area")


class Facility(models.TextChoices):
    """Public facilities a patrol or a caller reports damaged (REP-06)."""

    DOOR = "door", _("Door")
    ELEVATOR = "elevator", _("Elevator")
    FLOOR_TILE = "floor_tile", _("Floor tile")
    WALL_TILE = "wall_tile", _("Wall tile")
    WATER_LEAK = "water_leak", _("Water leak")
    TV = "tv", _("TV")
    BROADCAST = "broadcast", _("Broadcast system")
    LIGHTING = "lighting", _("Lighting")
    OTHER = "other", _("Other facility")


class Access(models.TextChoices):
    APPOINTMENT = "appointment", _("By appointment")
    KEY_WITH_SECURITY = "key_security", _("Key held by security")
    OWNER_AT_HOME = "owner_home", _("Owner at home")
    OPEN = "open", _("Freely accessible")
    OTHER = "other", _("Other arrangement")


class Settlement(models.TextChoices):
    FREE = "free", _("Free of charge")
    CASH = "cash", _("Cash")
    WECHAT = "wechat", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    MONTHLY = "monthly", _("Monthly bill")
    ON_ACCOUNT = "on_account", _("On account")


# Settled on the spot: the money is in hand at the end of the repair (collected fees in the handover).
PAID_ON_THE_SPOT = frozenset({Settlement.CASH, Settlement.WECHAT, Settlement.ALIPAY})
CHARGED = frozenset(set(Settlement) - {Settlement.FREE})


class RepairSheet(models.Model):
    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.PROTECT, related_name="repair_sheet", verbose_name=_("work order")
    )
    # Copied from the order so the handover and the technician's list are one index range per site.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    reporter_type = models.CharField(_("reporter type"), max_length=12, choices=ReporterType.choices)
    location_kind = models.CharField(_("location kind"), max_length=8, choices=LocationKind.choices)
    building = models.CharField(_("building"), max_length=40, blank=True)
    facility = models.CharField(_("public facility"), max_length=12, choices=Facility.choices, blank=True)
    access = models.CharField(_("access arrangement"), max_length=12, choices=Access.choices)
    access_note = models.CharField(_("access note"), max_length=200, blank=True)
    appointment_start = models.DateTimeField(_("appointment from"), null=True, blank=True)
    appointment_end = models.DateTimeField(_("appointment until"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    dispatch_note = models.TextField(_("dispatch instructions"), blank=True)
    dispatched_at = models.DateTimeField(_("department notified at"), default=timezone.now)
    # Field work
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("technician"),
    )
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    labour_minutes = models.PositiveIntegerField(_("labour time (minutes)"), default=0)
    result = models.TextField(_("result"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Fee (REP-04); paid repairs move to the special-service billing later.
    settlement = models.CharField(_("settlement"), max_length=12, choices=Settlement.choices, blank=True)
    fee_amount = models.DecimalField(_("fee"), max_digits=9, decimal_places=2, null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)
    fee_recorded_at = models.DateTimeField(_("fee recorded at"), null=True, blank=True)
    # Customer sign-off
    confirmed_by_name = models.CharField(_("confirmed by"), max_length=60, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    signature = models.ForeignKey(
        Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("signature")
    )

    class Meta:
        verbose_name = _("repair work sheet")
        verbose_name_plural = _("repair work sheets")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["site", "completed_at"], name="repair_site_completed"),
            models.Index(fields=["site", "fee_recorded_at"], name="repair_site_fee_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(contact_name=""), name="repair_contact_required"),
            models.CheckConstraint(
                condition=~Q(location_kind="public") | ~Q(facility=""), name="repair_public_area_has_facility"
            ),
            models.CheckConstraint(
                condition=Q(arrived_at__isnull=True)
                | Q(accepted_at__isnull=False, arrived_at__gte=models.F("accepted_at")),
                name="repair_arrival_after_acceptance",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | (Q(arrived_at__isnull=False) & ~Q(work_done="") & ~Q(result="") & ~Q(settlement="")),
                name="repair_completion_has_work_and_result",
            ),
            models.CheckConstraint(
                condition=Q(settlement="", fee_amount__isnull=True)
                | Q(settlement="free", fee_amount__isnull=True)
                | Q(settlement__in=sorted(s.value for s in CHARGED), fee_amount__gt=Decimal("0")),
                name="repair_fee_matches_settlement",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True)
                | Q(completed_at__isnull=False, confirmed_at__gte=models.F("completed_at")) & ~Q(confirmed_by_name=""),
                name="repair_confirmation_after_completion",
            ),
        ]

    def __str__(self):
        return self.work_order.number

    @property
    def is_chargeable(self) -> bool:
        return self.settlement in CHARGED

    @property
    def is_paid(self) -> bool:
        return self.settlement in PAID_ON_THE_SPOT

    @property
    def stage(self) -> str:
        """Where the field work stands, for lists and the panel (the order's status says where the ticket is)."""
        if self.confirmed_at:
            return "confirmed"
        if self.completed_at:
            return "completed"
        if self.arrived_at:
            return "on_site"
        if self.accepted_at:
            return "accepted"
        return "dispatched"


STAGE_LABELS = {
    "dispatched": pgettext_lazy("repair", "Dispatched"),
    "accepted": pgettext_lazy("repair", "Accepted"),
    "on_site": pgettext_lazy("repair", "On site"),
    "completed": pgettext_lazy("repair", "Work completed"),
    "confirmed": pgettext_lazy("repair", "Confirmed by customer"),
}


EVENT_LABELS = {
    "dispatched": pgettext_lazy("repair", "Dispatched to the department"),
    "accepted": pgettext_lazy("repair", "Accepted"),
    "arrived": pgettext_lazy("repair", "Arrived on site"),
    "part_added": pgettext_lazy("repair", "Part added"),
    "part_removed": pgettext_lazy("repair", "Part removed"),
    "work_recorded": pgettext_lazy("repair", "Work record saved"),
    "fee_recorded": pgettext_lazy("repair", "Fee recorded"),
    "photo_added": pgettext_lazy("repair", "Photo uploaded"),
    "completed": pgettext_lazy("repair", "Work completed"),
    "customer_confirmed": pgettext_lazy("repair", "Confirmed by customer"),
    "reopened": pgettext_lazy("repair", "Reopened for rework"),
}


class RepairPart(models.Model):
    """A part or material used (配件·材料)."""

    sheet = models.ForeignKey(RepairSheet, on_delete=models.CASCADE, related_name="parts", verbose_name=_("repair"))
    name = models.CharField(_("part or material"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=2)
    unit = models.CharField(_("unit of measure"), max_length=12)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("part or material")
        verbose_name_plural = _("parts and materials")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=Decimal("0")), name="repair_part_quantity_positive"),
            models.CheckConstraint(condition=~Q(name="") & ~Q(unit=""), name="repair_part_named"),
        ]

    def __str__(self):
        return f"{self.name} × {self.quantity}{self.unit}"


class RepairEvent(Event):
    """History of a repair sheet (append-only): dispatch, acceptance, arrival, parts, fee, completion, sign-off."""

    sheet = models.ForeignKey(RepairSheet, on_delete=models.PROTECT, related_name="events", verbose_name=_("repair"))

    class Meta(Event.Meta):
        verbose_name = _("repair event")
        verbose_name_plural = _("repair events")
        indexes = [
            models.Index(fields=["sheet", "id"], name="repair_event_sheet"),
            models.Index(fields=["event_type", "created_at"], name="repair_event_type_at"),
        ]
