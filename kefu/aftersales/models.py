"""After-sales (售后): warranty rules per product category, the case attached to an after_sales work order,
its repair records and shipments, and the front-desk return/exchange (总台退换货) with its three checks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.accounts.models import Site
from kefu.core.history import Event
from kefu.tickets.models import WorkOrder

User = settings.AUTH_USER_MODEL


class WarrantyRule(models.Model):
    """保修规则 of one product category at one site. Edits bump `version` and write an event; a case keeps the
    snapshot it was decided on, so a later edit never changes an earlier decision."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    category = models.CharField(_("product category"), max_length=60)
    warranty_days = models.PositiveIntegerField(_("warranty days"))
    covered = models.TextField(_("what is covered"), blank=True)
    # One exclusion per line; the desk ticks the ones found, which makes the case "not covered".
    exclusions = models.TextField(_("exclusions"), blank=True)
    allow_exchange = models.BooleanField(_("exchange when unrepairable in warranty"), default=True)
    allow_refund = models.BooleanField(_("refund when unrepairable in warranty"), default=True)
    return_days = models.PositiveIntegerField(_("return within days of purchase"), default=7)
    exchange_days = models.PositiveIntegerField(_("exchange within days of purchase"), default=15)
    receipt_required = models.BooleanField(_("receipt required for return/exchange"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("warranty rule")
        verbose_name_plural = _("warranty rules")
        ordering = ["site_id", "category"]
        constraints = [
            models.UniqueConstraint(fields=["site", "category"], name="as_rule_unique_category"),
            models.CheckConstraint(condition=~Q(category=""), name="as_rule_category_not_empty"),
            models.CheckConstraint(condition=Q(exchange_days__gte=models.F("return_days")), name="as_rule_windows"),
        ]

    def __str__(self):
        return self.category

    @property
    def exclusion_list(self) -> list[str]:
        return exclusion_lines(self.exclusions)

    def snapshot(self) -> dict:
        return {
            "rule": self.pk,
            "version": self.version,
            "category": self.category,
            "warranty_days": self.warranty_days,
            "covered": self.covered,
            "exclusions": self.exclusion_list,
            "allow_exchange": self.allow_exchange,
            "allow_refund": self.allow_refund,
            "return_days": self.return_days,
            "exchange_days": self.exchange_days,
            "receipt_required": self.receipt_required,
        }


def exclusion_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class WarrantyRuleEvent(Event):
    rule = models.ForeignKey(WarrantyRule, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("warranty rule event")
        verbose_name_plural = _("warranty rule events")


class CaseKind(models.TextChoices):
    REPAIR = "repair", pgettext_lazy("after-sales request", "Repair")
    EXCHANGE = "exchange", _("Exchange")
    RETURN = "return", _("Return")
    REFUND = "refund", _("Refund")
    INSTALLATION = "installation", _("Installation")
    MAINTENANCE = "maintenance", _("Maintenance")
    TRAINING = "training", _("Training")
    COMPLAINT = "complaint", _("After-sales complaint")
    SUPPORT = "support", _("Usage support")


class Eligibility(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    IN_WARRANTY = "in_warranty", _("In warranty")
    OUT_OF_WARRANTY = "out_of_warranty", _("Out of warranty")
    NOT_COVERED = "not_covered", _("Not covered")


class Stage(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    DECIDED = "decided", _("Eligibility decided")
    REPAIRING = "repairing", _("Repair under way")
    UNREPAIRABLE = "unrepairable", _("Unrepairable, remedy to choose")
    RETURNING = "returning", _("Return / exchange under way")
    HANDOVER = "handover", _("Awaiting pick-up or delivery")
    DONE = "done", _("Done")


class Path(models.TextChoices):
    NONE = "", _("Not chosen")
    ON_SITE = "on_site", _("On-site repair")
    MAIL_IN = "mail_in", _("Mail-in repair")


class Remedy(models.TextChoices):
    NONE = "", _("None")
    EXCHANGE = "exchange", _("Exchange")
    REFUND = "refund", _("Refund")
    PAID_REPAIR = "paid_repair", _("Paid repair")
    RETURN_PRODUCT = "return_product", _("Return the product unrepaired")


class NotifyMethod(models.TextChoices):
    PICKUP = "pickup", _("Asked to pick up")
    SHIPMENT = "shipment", _("Told of the shipment")


class AfterSalesCase(models.Model):
    """售后单: the after-sales data of one work order of type after_sales."""

    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.PROTECT, related_name="after_sales", verbose_name=_("work order")
    )
    kind = models.CharField(_("request type"), max_length=16, choices=CaseKind.choices, default=CaseKind.REPAIR)
    rule = models.ForeignKey(WarrantyRule, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category"))
    product_name = models.CharField(_("product"), max_length=100)
    model = models.CharField(_("model"), max_length=60)
    serial_number = models.CharField(_("serial number"), max_length=60, blank=True, db_index=True)
    purchased_on = models.DateField(_("purchase date"))
    purchase_place = models.CharField(_("place of purchase"), max_length=100, blank=True)
    order_number = models.CharField(_("order number"), max_length=60, blank=True)
    receipt_present = models.BooleanField(_("receipt / invoice presented"), default=False)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.REGISTERED)
    # The decision as computed from the rule snapshot; an override is kept beside it, never over it.
    decided_eligibility = models.CharField(
        _("eligibility (by the rules)"), max_length=16, choices=Eligibility.choices, default=Eligibility.PENDING
    )
    eligibility_reason = models.CharField(_("reason"), max_length=300, blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    decided_on = models.DateField(_("decided for the date"), null=True, blank=True)
    rule_snapshot = models.JSONField(_("rule snapshot"), null=True, blank=True)
    exclusions_found = models.JSONField(_("exclusions found"), default=list, blank=True)
    override_eligibility = models.CharField(
        _("eligibility (overridden)"), max_length=16, choices=Eligibility.choices, blank=True
    )
    override_reason = models.CharField(_("override reason"), max_length=300, blank=True)
    overridden_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)
    path = models.CharField(_("repair path"), max_length=10, choices=Path.choices, blank=True)
    remedy = models.CharField(_("remedy"), max_length=16, choices=Remedy.choices, blank=True)
    quote_amount = models.DecimalField(_("repair quote (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    notified_at = models.DateTimeField(_("customer notified at"), null=True, blank=True)
    notify_method = models.CharField(_("notification"), max_length=10, choices=NotifyMethod.choices, blank=True)
    notify_note = models.CharField(_("notification note"), max_length=300, blank=True)
    handed_over_at = models.DateTimeField(_("picked up / delivered at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("after-sales case")
        verbose_name_plural = _("after-sales cases")
        constraints = [
            models.CheckConstraint(condition=~Q(model=""), name="as_case_model_not_empty"),
            models.CheckConstraint(
                condition=Q(override_eligibility="") | ~Q(override_reason=""), name="as_case_override_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(quote_amount__isnull=True) | Q(quote_amount__gt=0), name="as_case_quote_positive"
            ),
        ]

    def __str__(self):
        return f"{self.work_order.number} {self.product_name}"

    @property
    def eligibility(self) -> str:
        return self.override_eligibility or self.decided_eligibility

    def get_eligibility_display(self):
        return Eligibility(self.eligibility).label


class EventType(models.TextChoices):
    """Every event_type code an after-sales case's history holds, with the label the 售后记录 fold shows."""

    REGISTERED = "registered", pgettext_lazy("after-sales event", "Case registered")
    ELIGIBILITY_CHECKED = "eligibility_checked", pgettext_lazy("after-sales event", "Warranty eligibility checked")
    ELIGIBILITY_OVERRIDDEN = (
        "eligibility_overridden",
        pgettext_lazy("after-sales event", "Warranty decision overridden"),
    )
    PATH_CHOSEN = "path_chosen", pgettext_lazy("after-sales event", "Repair path chosen")
    SHIPMENT_INBOUND = "shipment_inbound", pgettext_lazy("after-sales event", "Parcel from the customer recorded")
    SHIPMENT_OUTBOUND = "shipment_outbound", pgettext_lazy("after-sales event", "Parcel to the customer recorded")
    REPAIR_REPAIRED = "repair_repaired", pgettext_lazy("after-sales event", "Repaired")
    REPAIR_UNREPAIRABLE = "repair_unrepairable", pgettext_lazy("after-sales event", "Found unrepairable")
    REMEDY_CHOSEN = "remedy_chosen", pgettext_lazy("after-sales event", "Remedy chosen")
    CUSTOMER_NOTIFIED = "customer_notified", pgettext_lazy("after-sales event", "Customer notified")
    HANDED_OVER = "handed_over", pgettext_lazy("after-sales event", "Handed over to the customer")
    RETURN_OPENED = "return_opened", pgettext_lazy("after-sales event", "Return / exchange opened")
    RETURN_REFUSED = "return_refused", pgettext_lazy("after-sales event", "Return / exchange refused")
    SHOP_CONFIRMED = "shop_confirmed", pgettext_lazy("after-sales event", "Shop's answer recorded")
    RECEIPT_CHECKED = "receipt_checked", pgettext_lazy("after-sales event", "Receipt checked")
    REFUND_APPROVED = "refund_approved", pgettext_lazy("after-sales event", "Refund approved")
    CASHIER_DONE = "cashier_done", pgettext_lazy("after-sales event", "Cashier step done")


def event_label(event_type: str) -> str:
    """The translated label of an event code; an unknown code (none is written today) is shown as it is."""
    try:
        return EventType(event_type).label
    except ValueError:
        return event_type


class AfterSalesEvent(Event):
    case = models.ForeignKey(AfterSalesCase, on_delete=models.PROTECT, related_name="events")

    @property
    def label(self) -> str:
        return event_label(self.event_type)

    class Meta(Event.Meta):
        verbose_name = _("after-sales event")
        verbose_name_plural = _("after-sales events")
        indexes = [models.Index(fields=["case", "id"], name="as_event_case")]


class RepairOutcome(models.TextChoices):
    REPAIRED = "repaired", _("Repaired")
    UNREPAIRABLE = "unrepairable", _("Unrepairable")


class RepairRecord(models.Model):
    """维修记录: who inspected or repaired, what was found and done (AS-05)."""

    case = models.ForeignKey(AfterSalesCase, on_delete=models.PROTECT, related_name="repairs")
    technician = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("technician"))
    fault_cause = models.TextField(_("cause of the fault"))
    repair_method = models.TextField(_("work done / repair method"))
    outcome = models.CharField(_("outcome"), max_length=14, choices=RepairOutcome.choices)
    paid = models.BooleanField(_("paid repair"), default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(fault_cause="") & ~Q(repair_method=""), name="as_repair_texts")
        ]


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Customer to us")
    OUTBOUND = "outbound", _("Us to customer")


class Shipment(models.Model):
    """寄修 logistics, one row each way."""

    case = models.ForeignKey(AfterSalesCase, on_delete=models.PROTECT, related_name="shipments")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    carrier = models.CharField(_("logistics company"), max_length=60)
    tracking_number = models.CharField(_("tracking number"), max_length=60)
    # Inbound: the day we received the parcel; outbound: the day we shipped it.
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["direction"]
        constraints = [
            models.UniqueConstraint(fields=["case", "direction"], name="as_shipment_one_per_direction"),
            models.CheckConstraint(condition=~Q(carrier="") & ~Q(tracking_number=""), name="as_shipment_filled"),
        ]


class ReturnKind(models.TextChoices):
    EXCHANGE = "exchange", _("Exchange")
    RETURN = "return", _("Return and refund")


class ReturnOrigin(models.TextChoices):
    DESK = "desk", _("Return / exchange request at the desk")
    WARRANTY = "warranty", _("Unrepairable in warranty")


class ReturnStatus(models.TextChoices):
    AWAITING_SHOP = "awaiting_shop", _("Awaiting the shop's confirmation")
    AWAITING_RECEIPT = "awaiting_receipt", _("Awaiting the receipt check")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting refund approval")
    AWAITING_CASHIER = "awaiting_cashier", _("Awaiting the cashier")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


class ReturnRequest(models.Model):
    """退换货 of a case: shop confirmation → receipt check → (refund approval) → cashier (AS-12, AS-13, AS-14)."""

    case = models.OneToOneField(AfterSalesCase, on_delete=models.PROTECT, related_name="return_request")
    kind = models.CharField(_("return or exchange"), max_length=10, choices=ReturnKind.choices)
    origin = models.CharField(_("origin"), max_length=10, choices=ReturnOrigin.choices)
    status = models.CharField(_("status"), max_length=20, choices=ReturnStatus.choices)
    refund_amount = models.DecimalField(_("refund amount (yuan)"), max_digits=10, decimal_places=2, null=True)
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    shop_agreed = models.BooleanField(_("shop agrees"), null=True)
    shop_person = models.CharField(_("shop person confirming"), max_length=60, blank=True)
    shop_confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    shop_confirmed_at = models.DateTimeField(_("shop confirmed at"), null=True)
    receipt_number = models.CharField(_("receipt number"), max_length=60, blank=True)
    receipt_on = models.DateField(_("receipt date"), null=True)
    receipt_passed = models.BooleanField(_("receipt meets the rules"), null=True)
    receipt_findings = models.JSONField(_("receipt check findings"), default=list, blank=True)
    receipt_checked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    receipt_checked_at = models.DateTimeField(null=True)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    approved_at = models.DateTimeField(_("refund approved at"), null=True)
    cashier_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    cashier_at = models.DateTimeField(_("cashier done at"), null=True)
    cashier_note = models.CharField(_("cashier note"), max_length=300, blank=True)
    refusal_reason = models.CharField(_("refusal reason"), max_length=300, blank=True)
    alternative = models.CharField(_("alternative offered"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("return / exchange")
        verbose_name_plural = _("returns / exchanges")
        indexes = [models.Index(fields=["status", "id"], name="as_return_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="exchange") | Q(refund_amount__gt=0), name="as_return_refund_has_amount"
            ),
            # The cashier acts only after the shop agreed (where a shop is asked), the receipt passed and, when money
            # goes back, the refund was approved.
            models.CheckConstraint(
                condition=Q(cashier_at__isnull=True)
                | (
                    ~Q(shop_agreed=False) & Q(receipt_passed=True) & (Q(kind="exchange") | Q(approved_at__isnull=False))
                ),
                name="as_return_cashier_after_checks",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | (~Q(refusal_reason="") & ~Q(alternative="")),
                name="as_return_refusal_explained",
            ),
        ]
