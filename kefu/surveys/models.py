"""Satisfaction surveys (满意度调查): templates, closure rules, campaigns, sent surveys and their answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.accounts.models import Site
from kefu.core.history import Event
from kefu.customers.models import Customer, CustomerTag, Tier
from kefu.tickets.models import Channel, WorkOrder, WorkOrderType

DEFAULT_LINK_DAYS = 14


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale 1–5")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")


class SurveyTemplate(models.Model):
    """A questionnaire (问卷). Its questions are frozen once a survey was sent from it, so answers keep meaning."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=100)
    intro = models.TextField(_("introduction"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey template")
        verbose_name_plural = _("survey templates")
        ordering = ["site_id", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="survey_template_name_not_empty"),
            models.UniqueConstraint(fields=["site", "name"], name="survey_template_unique_name"),
        ]

    def __str__(self):
        return self.name


class SurveyQuestion(models.Model):
    template = models.ForeignKey(
        SurveyTemplate, on_delete=models.PROTECT, related_name="questions", verbose_name=_("survey template")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(pgettext_lazy("survey question", "kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    # The one scale question whose 4–5 answers count as satisfied (CSAT).
    is_satisfaction = models.BooleanField(_("satisfaction question"), default=False)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["template_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="survey_question_unique_position"),
            models.UniqueConstraint(
                fields=["template"], condition=models.Q(is_satisfaction=True), name="survey_one_satisfaction_question"
            ),
            models.CheckConstraint(
                condition=models.Q(is_satisfaction=False) | models.Q(kind="scale"),
                name="survey_satisfaction_is_scale",
            ),
        ]

    def __str__(self):
        return self.text


class ClosureSurveyRule(models.Model):
    """Per site and work-order type: whether closing an order sends a survey, and which template."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    work_order_type = models.CharField(_("type"), max_length=20, choices=WorkOrderType.choices)
    template = models.ForeignKey(
        SurveyTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("survey template")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    link_valid_days = models.PositiveSmallIntegerField(_("link valid for (days)"), default=DEFAULT_LINK_DAYS)

    class Meta:
        verbose_name = _("survey on closure")
        verbose_name_plural = _("surveys on closure")
        constraints = [
            models.UniqueConstraint(fields=["site", "work_order_type"], name="survey_rule_unique_type"),
            models.CheckConstraint(condition=models.Q(link_valid_days__gte=1), name="survey_rule_days_positive"),
        ]


class SurveyCampaign(models.Model):
    """A periodic survey of a customer segment (FU-07): who, which questionnaire, how often."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=100)
    template = models.ForeignKey(
        SurveyTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("survey template")
    )
    # Segment: every condition that is set must hold.
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, blank=True)
    tag = models.ForeignKey(
        CustomerTag, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("tag")
    )
    key_customers_only = models.BooleanField(_("key customers only"), default=False)
    order_type = models.CharField(_("had an order of type"), max_length=20, choices=WorkOrderType.choices, blank=True)
    order_from = models.DateField(_("orders from"), null=True, blank=True)
    order_to = models.DateField(_("orders until"), null=True, blank=True)
    repeat_days = models.PositiveSmallIntegerField(_("repeat every (days)"), null=True, blank=True)
    link_valid_days = models.PositiveSmallIntegerField(_("link valid for (days)"), default=DEFAULT_LINK_DAYS)
    is_active = models.BooleanField(_("active"), default=True)
    last_run_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("next run at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="survey_campaign_name_not_empty"),
            models.CheckConstraint(condition=models.Q(link_valid_days__gte=1), name="survey_campaign_days_positive"),
            models.CheckConstraint(
                condition=models.Q(order_from__isnull=True)
                | models.Q(order_to__isnull=True)
                | models.Q(order_from__lte=models.F("order_to")),
                name="survey_campaign_period_ordered",
            ),
        ]

    def __str__(self):
        return self.name


class SurveyStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the answer")
    ANSWERED = "answered", pgettext_lazy("survey", "Answered")


class Survey(models.Model):
    """One questionnaire sent to one customer; its public link works once, until `expires_at`."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    template = models.ForeignKey(
        SurveyTemplate, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("survey template")
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"))
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("work order")
    )
    campaign = models.ForeignKey(
        SurveyCampaign, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    # Random key inside the signed link; without the server's secret a key alone opens nothing.
    key = models.CharField(max_length=32, unique=True, editable=False)
    # Denormalised at sending so CSAT groups by type, channel and agent without joining work orders.
    order_type = models.CharField(_("type"), max_length=20, choices=WorkOrderType.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.PENDING)
    email = models.EmailField(_("emailed to"), blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("link expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["site", "answered_at"], name="survey_site_answered"),
            models.Index(fields=["customer", "id"], name="survey_customer"),
            models.Index(fields=["campaign", "customer"], name="survey_campaign_customer"),
        ]
        constraints = [
            # One closure survey per order, however often it is reopened and closed again.
            models.UniqueConstraint(
                fields=["work_order"], condition=models.Q(work_order__isnull=False), name="survey_one_per_order"
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="survey_satisfaction_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", answered_at__isnull=True)
                | models.Q(status="answered", answered_at__isnull=False),
                name="survey_answered_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.template} · {self.customer}"


class SurveyAnswer(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="survey_answer_unique"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="survey_answer_score_range",
            ),
        ]


class SurveyEvent(Event):
    """History of templates, rules, campaigns and surveys (sent, emailed, answered): append-only."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, null=True, related_name="events")
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, null=True, related_name="+")
    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta(Event.Meta):
        verbose_name = _("survey event")
        verbose_name_plural = _("survey events")
