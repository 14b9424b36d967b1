"""Suggestions (建议) and inquiries (咨询): extension rows of a tickets.WorkOrder plus their append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Department, Site
from kefu.core.history import Event
from kefu.tickets.models import WorkOrder

from .transitions import Stage


class SuggestionCategory(models.Model):
    """Configurable per site; rows without a site are the defaults every site offers (商品, 服务, 环境 …)."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("suggestion category")
        verbose_name_plural = _("suggestion categories")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="sugcat_name_not_empty"),
            models.UniqueConstraint(fields=["site", "name"], name="sugcat_unique_site_name"),
            models.UniqueConstraint(fields=["name"], condition=Q(site__isnull=True), name="sugcat_unique_default"),
        ]

    def __str__(self):
        return self.name


class Feasibility(models.TextChoices):
    FEASIBLE = "feasible", _("Feasible")
    PARTLY = "partly", _("Partly feasible")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")


class Decision(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Not adopted")


class FeedbackChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    ONLINE = "online", _("Online chat / social platform")


class Suggestion(models.Model):
    """One customer suggestion, carried by a work order of type "suggestion"; `stage` follows transitions.STEPS."""

    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.PROTECT, related_name="suggestion", verbose_name=_("work order")
    )
    # Denormalised from the work order so statistics are one index range per site and period.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    content = models.TextField(_("content of the suggestion"))
    proposer_name = models.CharField(_("proposer's name"), max_length=100)
    proposer_contact = models.CharField(_("proposer's contact details"), max_length=200)
    # SUG-09: actively asked for by a colleague (credited to the one who collected it).
    solicited = models.BooleanField(_("actively solicited"), default=False)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("collected by")
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.RECORDED)
    category = models.ForeignKey(
        SuggestionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("category"),
    )
    # Feasibility and value evaluation (SUG-03).
    feasibility = models.CharField(_("feasibility"), max_length=16, choices=Feasibility.choices, blank=True)
    valuable = models.BooleanField(_("valuable"), null=True, blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluated by"),
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    # Forwarded to the leadership (a person) and/or a department for study.
    forwarded_to_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded to department"),
    )
    forwarded_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded to"),
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    # Decision (SUG-04): outcome, discussion summary / reason, decider, date.
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("discussion summary and reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # Implementation plan (SUG-05): owner and due date are part of the adoption itself.
    plan = models.TextField(_("implementation plan"), blank=True)
    plan_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    plan_due_on = models.DateField(_("due on"), null=True, blank=True)
    progress = models.TextField(_("latest progress"), blank=True)
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)
    implementation_result = models.TextField(_("implementation result"), blank=True)
    overdue_notified_on = models.DateField(_("overdue reminder sent on"), null=True, blank=True)
    # Feedback to the proposer (SUG-06): the latest one; every one is an event and a reply on the work order.
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    feedback_channel = models.CharField(
        _("feedback channel"), max_length=12, choices=FeedbackChannel.choices, blank=True
    )
    close_reason = models.TextField(_("reason for closing before completion"), blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["site", "recorded_at"], name="sug_site_recorded"),
            models.Index(fields=["site", "stage", "id"], name="sug_site_stage"),
            models.Index(fields=["plan_due_on"], condition=Q(stage="adopted"), name="sug_open_plans_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="sug_content_not_empty"),
            models.CheckConstraint(condition=~Q(proposer_name=""), name="sug_proposer_name_not_empty"),
            models.CheckConstraint(condition=~Q(proposer_contact=""), name="sug_proposer_contact_not_empty"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="sug_stage_valid"),
            models.CheckConstraint(
                condition=~Q(decision="adopted")
                | (Q(plan_owner__isnull=False) & Q(plan_due_on__isnull=False) & ~Q(plan="")),
                name="sug_adopted_has_plan",
            ),
            models.CheckConstraint(condition=Q(decision="") | ~Q(decision_reason=""), name="sug_decision_has_reason"),
            models.CheckConstraint(
                condition=~Q(stage="implemented") | Q(implemented_at__isnull=False), name="sug_implemented_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.work_order.number} {self.proposer_name}"

    @property
    def is_overdue(self) -> bool:
        return self.stage == Stage.ADOPTED and self.plan_due_on is not None and self.plan_due_on < timezone.localdate()


class SuggestionEvent(Event):
    """Every step of a suggestion (append-only)."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.PROTECT, related_name="events", verbose_name=_("suggestion")
    )

    class Meta(Event.Meta):
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")
        indexes = [models.Index(fields=["suggestion", "created_at", "id"], name="sug_event_timeline")]


class Inquiry(models.Model):
    """What an inquiry (咨询) needs beyond the work order: who asked (maybe anonymous) and the answer given."""

    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.PROTECT, related_name="inquiry", verbose_name=_("work order")
    )
    # For anonymous inquiries (no archive customer) the caller may still leave a name or a number.
    asker_name = models.CharField(_("asker's name"), max_length=100, blank=True)
    asker_contact = models.CharField(_("asker's contact details"), max_length=200, blank=True)
    answer = models.TextField(_("answer given"), blank=True)
    # Pointer to a unified answer script (统一答复口径) of the future knowledge app: its stable key, kept as a
    # plain string so this app does not depend on that one. Empty when the answer was free text.
    answer_script_key = models.CharField(_("answer script key"), max_length=64, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # INT-13: the agent asked whether anything else was open and all questions were answered.
    no_further_questions = models.BooleanField(_("customer has no further questions"), default=False)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | (~Q(answer="") & Q(no_further_questions=True)),
                name="inq_answer_complete",
            ),
        ]

    def __str__(self):
        return self.work_order.number


class InquiryEvent(Event):
    """Answered, parked, transferred (append-only)."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="events", verbose_name=_("inquiry"))

    class Meta(Event.Meta):
        verbose_name = _("inquiry event")
        verbose_name_plural = _("inquiry events")
        indexes = [models.Index(fields=["inquiry", "created_at", "id"], name="inq_event_timeline")]
