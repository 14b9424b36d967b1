"""Follow-up visits (回访): after a work order closes, and by revisit plan for graded customers (VIP客户管理).

One table holds every visit task, whatever made it (a closed order or a tier plan), so "今日回访", overdue lists
and the revisit rate read one place. Each attempt at a visit is an append-only row; a reached attempt *is* the
customer evaluation form (客户评价单).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.accounts.models import Site
from kefu.core.history import Event
from kefu.customers.models import Customer, Tier
from kefu.tickets.models import WorkOrder, WorkOrderType

# The order types whose closing triggers a follow-up visit (FU-01, FU-02).
FOLLOW_UP_TYPES = (
    WorkOrderType.COMPLAINT,
    WorkOrderType.REPAIR,
    WorkOrderType.AFTER_SALES,
    WorkOrderType.SPECIAL_SERVICE,
)


class Method(models.TextChoices):
    PHONE = "phone", _("Telephone")
    ON_SITE = "on_site", _("On-site visit")
    OTHER = "other", _("Other")


class AssignTo(models.TextChoices):
    ORDER_ASSIGNEE = "order_assignee", _("The agent who handled the order")
    ORDER_CREATOR = "order_creator", _("The agent who took the order")
    NAMED_PERSON = "named_person", _("A named person")


class OnDissatisfied(models.TextChoices):
    REOPEN = "reopen", _("Reopen the work order")
    COMPLAINT = "complaint", _("Open a linked complaint")
    RECORD_ONLY = "record_only", _("Record only")


class FollowUpRule(models.Model):
    """How the follow-up after one order type is done at one site (《回访工作规程》, FU-02)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    order_type = models.CharField(
        _("work-order type"), max_length=20, choices=[(t.value, t.label) for t in FOLLOW_UP_TYPES]
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    delay_hours = models.PositiveIntegerField(_("visit after (hours)"), default=24)
    due_within_hours = models.PositiveIntegerField(_("to be done within (hours)"), default=48)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.PHONE)
    assign_to = models.CharField(
        _("assigned to"), max_length=16, choices=AssignTo.choices, default=AssignTo.ORDER_ASSIGNEE
    )
    named_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named person"),
    )
    retry_after_hours = models.PositiveIntegerField(_("retry after (hours)"), default=4)
    max_attempts = models.PositiveSmallIntegerField(_("attempts before unreachable"), default=3)
    on_dissatisfied = models.CharField(
        _("when dissatisfied"), max_length=12, choices=OnDissatisfied.choices, default=OnDissatisfied.REOPEN
    )

    class Meta:
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")
        ordering = ["site_id", "order_type"]
        constraints = [
            models.UniqueConstraint(fields=["site", "order_type"], name="fu_rule_unique_type"),
            models.CheckConstraint(condition=Q(max_attempts__gte=1), name="fu_rule_attempts_positive"),
            models.CheckConstraint(
                condition=~Q(assign_to="named_person") | Q(named_assignee__isnull=False),
                name="fu_rule_named_person_set",
            ),
        ]


class PlanRole(models.TextChoices):
    """Who visits a graded customer (VIP客户管理 · 回访方式)."""

    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    DEPARTMENT_MANAGER = "department_manager", _("Department manager")
    LEADERSHIP = "leadership", _("Responsible leader")
    COMPANY_HEAD = "company_head", _("President")


class InfoItem(models.TextChoices):
    POLICY_NOTICE = "policy_notice", _("Policy notices")
    COMPANY_NEWS = "company_news", _("Company news")
    NEWSLETTER = "newsletter", _("Internal newsletter")
    POLICY_LECTURE = "policy_lecture", _("Policy lectures and study tours")


class TierDefinition(models.Model):
    """What grade A/B/C means at a site and how often each role visits it (defaults from seed 001)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices)
    criteria = models.TextField(_("criteria"), blank=True)
    account_manager_per_month = models.PositiveSmallIntegerField(_("account manager visits per month"), default=2)
    department_manager_per_month = models.PositiveSmallIntegerField(_("department manager visits per month"), default=1)
    leadership_every_months = models.PositiveSmallIntegerField(
        _("responsible leader visits every (months, 0 = never)"), default=0
    )
    company_head_per_year = models.PositiveSmallIntegerField(_("president visits per year"), default=0)
    holiday_visits = models.BooleanField(_("holiday visits"), default=True)
    information_items = models.JSONField(_("information to send"), default=list, blank=True)

    class Meta:
        verbose_name = _("tier definition")
        verbose_name_plural = _("tier definitions")
        ordering = ["site_id", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["site", "tier"], name="fu_tier_unique"),
            models.CheckConstraint(condition=Q(account_manager_per_month__lte=4), name="fu_tier_am_max"),
            models.CheckConstraint(condition=Q(department_manager_per_month__lte=4), name="fu_tier_dm_max"),
            models.CheckConstraint(condition=Q(leadership_every_months__lte=12), name="fu_tier_lead_max"),
            models.CheckConstraint(condition=Q(company_head_per_year__lte=4), name="fu_tier_head_max"),
        ]


class PlanScope(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise customers")
    ALL = "all", _("All customers")


class RevisitSettings(models.Model):
    """Per site: which customers get tier plans and on which holidays they are visited."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    scope = models.CharField(_("customers with a plan"), max_length=12, choices=PlanScope.choices)
    holidays = models.JSONField(_("holiday visits on"), default=list, blank=True)

    class Meta:
        verbose_name = _("revisit settings")
        verbose_name_plural = _("revisit settings")


class RoleAssignment(models.Model):
    """Who is the account manager, department manager, responsible leader and president at a site."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    role = models.CharField(_("role"), max_length=20, choices=PlanRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("revisit role")
        verbose_name_plural = _("revisit roles")
        constraints = [models.UniqueConstraint(fields=["site", "role"], name="fu_role_unique")]


class PlanYear(models.Model):
    """A year whose revisit plan was generated for a site: tier changes regenerate these years."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    generated_at = models.DateTimeField(default=timezone.now)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "year"], name="fu_plan_year_unique")]


class Source(models.TextChoices):
    WORK_ORDER = "work_order", _("After a work order")
    PLAN = "plan", _("Revisit plan")


class Occasion(models.TextChoices):
    REGULAR = "regular", _("Regular")
    HOLIDAY = "holiday", _("Holiday")


class VisitStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    UNREACHABLE = "unreachable", _("Unreachable")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUp(models.Model):
    """One follow-up visit to do (回访任务): after an order, or one entry of a tier plan."""

    # site, customer and assignee lead the composite indexes below: no single-column index of their own, which
    # keeps a year's plan for 100,000 customers (4 million rows) quick to write. The site is the customer's site:
    # one composite key (customer, site) → customer (id, site), added by migration 0004, checks both at once
    # (a foreign key check per row and key is a third of the plan's write time on PostgreSQL).
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("site"),
        db_index=False,
        db_constraint=False,
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("customer"),
        db_index=False,
        db_constraint=False,
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    work_order = models.ForeignKey(
        WorkOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("work order"),
    )
    role = models.CharField(_("role"), max_length=20, choices=PlanRole.choices, blank=True, default="")
    occasion = models.CharField(_("occasion"), max_length=8, choices=Occasion.choices, default=Occasion.REGULAR)
    holiday = models.CharField(_("holiday"), max_length=60, blank=True, default="")
    tier = models.CharField(_("tier"), max_length=1, blank=True, default="")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.PHONE)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("follow-up", "assignee"),
        db_index=False,
    )
    planned_on = models.DateField(_("planned on"))
    due_on = models.DateField(pgettext_lazy("follow-up", "due on"))
    # After an unanswered call: not shown in the to-do list before this instant.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.OPEN)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("attempts before unreachable"), default=3)
    retry_after_hours = models.PositiveIntegerField(_("retry after (hours)"), default=4)
    on_dissatisfied = models.CharField(
        _("when dissatisfied"), max_length=12, choices=OnDissatisfied.choices, default=OnDissatisfied.RECORD_ONLY
    )
    overdue = models.BooleanField(_("overdue"), default=False)
    completed_at = models.DateTimeField(pgettext_lazy("follow-up", "completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "planned_on"], name="fu_assignee_todo"),
            models.Index(fields=["site", "status", "due_on"], name="fu_site_due"),
            models.Index(fields=["customer", "planned_on"], name="fu_customer"),
        ]
        constraints = [
            # Exactly once: a work order has at most one open follow-up, however often it is closed.
            models.UniqueConstraint(
                fields=["work_order"],
                condition=Q(status="open", work_order__isnull=False),
                name="fu_one_open_per_order",
            ),
            # A plan entry exists once per customer, role, occasion and period (cancelled ones are history).
            models.UniqueConstraint(
                fields=["customer", "role", "occasion", "planned_on"],
                condition=Q(source="plan") & ~Q(status="cancelled"),
                name="fu_plan_entry_unique",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("planned_on")), name="fu_due_after_planned"),
            models.CheckConstraint(
                condition=Q(source="plan") | Q(work_order__isnull=False), name="fu_order_source_has_order"
            ),
        ]

    def __str__(self):
        return f"{self.customer} · {self.due_on}"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Consequence(models.TextChoices):
    NONE = "", _("None")
    REOPENED = "reopened", _("Work order reopened")
    COMPLAINT = "complaint", _("Linked complaint opened")
    ALREADY_OPEN = "already_open", _("Work order already being handled")


class FollowUpAttempt(Event):
    """One call or visit (append-only). A reached attempt is the customer evaluation form (客户评价单)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="attempt_rows")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    reached = models.BooleanField(_("customer reached"))
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("score (1–5)"), null=True, blank=True)
    comments = models.TextField(_("customer's comments"), blank=True)
    dissatisfaction_points = models.TextField(_("points of dissatisfaction"), blank=True)
    suggestions = models.TextField(_("customer's suggestions"), blank=True)
    improvement_needed = models.BooleanField(_("improvement needed"), default=False)
    forwarded_to = models.CharField(pgettext_lazy("follow-up", "forwarded to"), max_length=100, blank=True)
    information_delivered = models.JSONField(_("information delivered"), default=list, blank=True)
    consequence = models.CharField(_("consequence"), max_length=12, choices=Consequence.choices, blank=True)
    # The complaint opened because of this visit (linked to follow_up.work_order, the original order).
    opened_order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="opened_by_follow_up"
    )

    class Meta(Event.Meta):
        verbose_name = _("follow-up attempt")
        verbose_name_plural = _("follow-up attempts")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="fu_attempt_score_range"
            ),
            models.CheckConstraint(
                condition=Q(reached=False) | ~Q(satisfaction=""), name="fu_attempt_reached_has_satisfaction"
            ),
        ]


class FollowUpEvent(Event):
    """Lifecycle of a visit task and of the follow-up configuration (append-only)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, null=True, related_name="events")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta(Event.Meta):
        verbose_name = _("follow-up event")
        verbose_name_plural = _("follow-up events")
