"""The complaint case file (投诉): an extension of a work order of type "complaint", with its proposals,
coordination tasks, customer answers, compensation and an append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, Shop, Site
from kefu.core.history import Event
from kefu.tickets.models import WorkOrder

# The catalogue a site starts with (configurable per site in ComplaintSettings.categories).
DEFAULT_CATEGORIES = ["商品质量", "服务态度", "价格", "退换货", "环境设施", "安全", "其他"]
DEFAULT_REPEAT_THRESHOLD = 3
DEFAULT_REPEAT_WINDOW_DAYS = 90


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")
    MAJOR = "major", _("Major")


class Path(models.TextChoices):
    UNDECIDED = "", _("Not decided yet")
    ON_THE_SPOT = "on_the_spot", _("Resolved on the spot")
    INVESTIGATION = "investigation", _("Investigation")


class Outcome(models.TextChoices):
    OPEN = "", _("Open")
    ACCEPTED = "accepted", _("Accepted by the customer")
    UNRESOLVED = "unresolved", _("Closed as unresolved")


class Liability(models.TextChoices):
    UNDETERMINED = "undetermined", _("Undetermined")
    OWN = "own", _("Own company / store")
    SHOP = "shop", _("Shop / merchant")
    CUSTOMER = "customer", _("Customer")
    THIRD_PARTY = "third_party", _("Third party")


class ComplaintSettings(models.Model):
    """Per-site rules: the category catalogue and when a repeat complainant becomes a key customer."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="complaint_settings")
    categories = models.JSONField(_("categories"), default=list)
    repeat_threshold = models.PositiveSmallIntegerField(
        _("complaints that flag a key customer"), default=DEFAULT_REPEAT_THRESHOLD
    )
    repeat_window_days = models.PositiveSmallIntegerField(_("within days"), default=DEFAULT_REPEAT_WINDOW_DAYS)

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(repeat_threshold__gte=1), name="cmp_settings_threshold_min"),
            models.CheckConstraint(condition=models.Q(repeat_window_days__gte=1), name="cmp_settings_window_min"),
        ]

    def __str__(self):
        return str(self.site)


class Complaint(models.Model):
    """The case file of one complaint; its key is the work order's, so /complaints/<id>/ is /work-orders/<id>/."""

    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.PROTECT, primary_key=True, related_name="complaint", verbose_name=_("work order")
    )
    # Denormalised from the work order so the ledger filters by one index.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    complained_at = models.DateTimeField(_("complaint time"), default=timezone.now)
    complainant_name = models.CharField(_("complainant"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100)
    category = models.CharField(_("category"), max_length=30)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    demand = models.TextField(_("customer's demand"))
    apology_note = models.TextField(_("apology / acknowledgement"))
    apology_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("apologised by")
    )
    apology_at = models.DateTimeField(_("apologised at"), default=timezone.now)
    taken_to_office_at = models.DateTimeField(_("taken to the office area at"), null=True, blank=True)
    path = models.CharField(_("handling path"), max_length=16, choices=Path.choices, default="", blank=True)
    on_spot_resolution = models.TextField(_("resolution on the spot"), blank=True)
    told_customer = models.TextField(_("what the customer was told"), blank=True)
    promised_reply_at = models.DateTimeField(_("promised reply time"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("proposal round"), default=1)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default="", blank=True)
    unresolved_reason = models.TextField(_("reason for closing unresolved"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    preventive_measure = models.TextField(_("preventive measure"), blank=True)
    liability = models.CharField(
        _("liability"), max_length=16, choices=Liability.choices, default=Liability.UNDETERMINED
    )

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-complained_at", "-work_order_id"]
        indexes = [
            models.Index(fields=["site", "complained_at"], name="cmp_site_time"),
            # The ledger export of several sites walks this in order: no sort of the whole ledger in memory.
            models.Index(fields=["complained_at", "work_order"], name="cmp_time"),
            models.Index(fields=["site", "category", "complained_at"], name="cmp_site_category"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(complainant_name=""), name="cmp_complainant_not_empty"),
            models.CheckConstraint(condition=~models.Q(contact=""), name="cmp_contact_not_empty"),
            models.CheckConstraint(condition=~models.Q(category=""), name="cmp_category_not_empty"),
            models.CheckConstraint(condition=~models.Q(demand=""), name="cmp_demand_not_empty"),
            # The liability stays undetermined until the investigation's root cause is written (CMP-05).
            models.CheckConstraint(
                condition=models.Q(liability="undetermined") | ~models.Q(root_cause=""),
                name="cmp_liability_after_root_cause",
            ),
        ]

    def __str__(self):
        return f"{self.work_order_id}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    ACCEPTED = "accepted", _("Accepted by the customer")
    REJECTED = "rejected", _("Rejected by the customer")
    SUPERSEDED = "superseded", _("Not chosen")


class Proposal(models.Model):
    """One proposed solution (方案) of a round; one per round is approved, confirmed by the shop, told, answered."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="proposals")
    round = models.PositiveSmallIntegerField(_("round"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("proposal"))
    status = models.CharField(_("status"), max_length=12, choices=ProposalStatus.choices, default="proposed")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_channel = models.CharField(_("reply channel"), max_length=12, blank=True)
    reply_text = models.TextField(_("what the customer was told"), blank=True)

    class Meta:
        verbose_name = _("proposed solution")
        verbose_name_plural = _("proposed solutions")
        ordering = ["complaint_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="cmp_proposal_number_unique"),
            models.UniqueConstraint(
                fields=["complaint", "round"],
                condition=models.Q(status__in=["approved", "accepted", "rejected"]),
                name="cmp_one_approved_per_round",
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="cmp_proposal_text_not_empty"),
        ]

    def __str__(self):
        return f"#{self.number}"


class ShopConfirmation(models.Model):
    """One involved shop's responsible person agreed to the approved solution: that shop's own login, or staff
    naming the person (by phone). Every involved shop has its row before the customer hears the solution."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="shop_confirmations")
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="+", verbose_name=_("shop"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmer_name = models.CharField(_("shop person who confirmed"), max_length=60)
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shop confirmation")
        verbose_name_plural = _("shop confirmations")
        ordering = ["confirmed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "shop"], name="cmp_one_confirmation_per_shop"),
            models.CheckConstraint(condition=~models.Q(confirmer_name=""), name="cmp_confirmer_not_empty"),
        ]

    def __str__(self):
        return f"{self.shop_id} · {self.confirmer_name}"


class Party(models.TextChoices):
    SHOP = "shop", _("Shop")
    STORE_MANAGER = "store_manager", _("Store manager")
    MERCHANT_PRINCIPAL = "merchant_principal", _("Merchant principal")
    FLOOR_MANAGER = "floor_manager", _("Floor manager")
    DEPARTMENT = "department", _("Department")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESPONDED = "responded", _("Responded")


class CoordinationTask(models.Model):
    """A request to a shop, department or floor manager to establish the facts or act (协调)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="tasks")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaint_tasks", verbose_name=_("owner")
    )
    instruction = models.TextField(_("what is asked"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    response = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("coordination task")
        verbose_name_plural = _("coordination tasks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_at"], name="cmp_task_owner"),
            models.Index(fields=["shop", "status", "due_at"], name="cmp_task_shop"),
            models.Index(fields=["department", "status", "due_at"], name="cmp_task_department"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(instruction=""), name="cmp_task_instruction_not_empty"),
            models.CheckConstraint(
                condition=~models.Q(status="responded") | ~models.Q(response=""), name="cmp_task_response_text"
            ),
        ]

    def __str__(self):
        return f"{self.get_party_display()} · {self.owner}"


def task_file_path(instance, filename):
    return f"complaints/{timezone.now():%Y/%m}/{instance.token}{instance.extension}"


class TaskAttachment(models.Model):
    task = models.ForeignKey(CoordinationTask, on_delete=models.PROTECT, related_name="attachments")
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=10, editable=False)
    file = models.FileField(upload_to=task_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("task attachment")
        verbose_name_plural = _("task attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class CustomerAnswer(models.Model):
    """The customer's answer to the solution told in a round (CMP-15)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="answers")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="answers")
    round = models.PositiveSmallIntegerField()
    accepted = models.BooleanField()
    opinion = models.TextField(_("customer's opinion"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer answer")
        verbose_name_plural = _("customer answers")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(accepted=True) | ~models.Q(opinion=""), name="cmp_reject_opinion")
        ]


class CompensationKind(models.TextChoices):
    EXCHANGE = "exchange", _("Exchange")
    REFUND = "refund", _("Refund")
    COMPENSATION = "compensation", _("Compensation")
    APOLOGY = "apology", _("Apology")
    OTHER = "other", _("Other")


MONEY_KINDS = frozenset({CompensationKind.REFUND, CompensationKind.COMPENSATION})


class Compensation(models.Model):
    """A remedy granted (换货, 退款, 补偿, 道歉 …) with its amount where money is involved and its approver."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="compensations")
    kind = models.CharField(_("kind"), max_length=14, choices=CompensationKind.choices)
    item = models.CharField(_("item / description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    own_fault = models.BooleanField(_("caused by ourselves"), default=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__in=["refund", "compensation"]) | models.Q(amount__gt=0),
                name="cmp_money_needs_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gt=0), name="cmp_amount_positive"
            ),
        ]


class ComplaintEvent(Event):
    """Append-only history of a case file (registered, proposal added, approved, answered, closed …)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        indexes = [models.Index(fields=["complaint", "created_at", "id"], name="cmp_event_timeline")]


class LedgerExport(Event):
    """Log of every ledger export: filters, row count, masked or not; an unmasked one also names its customers
    and the reason (customer data access, SEC-02)."""

    class Meta(Event.Meta):
        verbose_name = _("complaint ledger export")
        verbose_name_plural = _("complaint ledger export log")
