"""Configuration writes: questionnaires, surveys on closure, campaigns. One transaction and one event each.

Sending lives in sending.py, the customer's answer in answers.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import get_site_for, site_ids_for
from kefu.core.errors import CoreError, ServiceError, invalid, not_found
from kefu.core.validators import plain_text, single_line
from kefu.customers.models import CustomerTag, Tier
from kefu.tickets.models import WorkOrderType

from .errors import SurveyError
from .models import (
    DEFAULT_LINK_DAYS,
    ClosureSurveyRule,
    QuestionKind,
    SurveyCampaign,
    SurveyEvent,
    SurveyQuestion,
    SurveyTemplate,
)

MAX_QUESTIONS = 30
MAX_OPTIONS = 20
MAX_LINK_DAYS = 365


def _require_manage(actor) -> None:
    if not has_capability(actor, Capability.MANAGE_SURVEYS):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def _fail(error: SurveyError, field: str) -> ServiceError:
    return ServiceError(error, fields={field: [error.message]})


def _line(value, field: str, limit: int, *, required_error: SurveyError | None = None) -> str:
    value = (value or "").strip()
    if required_error and not value:
        raise _fail(required_error, field)
    try:
        single_line(value)
    except ValidationError as exc:
        raise invalid({field: exc.messages}) from None
    if len(value) > limit:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    return value


def _days(value, field: str) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise invalid({field: CoreError.INVALID_INPUT.message}) from None
    if not 1 <= days <= MAX_LINK_DAYS:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    return days


def _clean_questions(raw: Iterable[dict]) -> list[dict]:
    """Shape and rules of a question list; positions follow the given order."""
    questions = list(raw or [])
    if not questions:
        raise _fail(SurveyError.QUESTIONS_REQUIRED, "questions")
    if len(questions) > MAX_QUESTIONS:
        raise invalid({"questions": CoreError.INVALID_INPUT.message})
    out = []
    for i, q in enumerate(questions):
        field = f"questions.{i}"
        if not isinstance(q, dict):
            raise invalid({field: CoreError.INVALID_INPUT.message})
        kind = q.get("kind")
        if kind not in QuestionKind.values:
            raise invalid({f"{field}.kind": CoreError.INVALID_INPUT.message})
        text = _line(q.get("text"), f"{field}.text", 200, required_error=SurveyError.QUESTION_TEXT_REQUIRED)
        options: list[str] = []
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            raw_options = q.get("options") or []
            if not isinstance(raw_options, list) or len(raw_options) > MAX_OPTIONS:
                raise invalid({f"{field}.options": CoreError.INVALID_INPUT.message})
            for option in raw_options:
                option = _line(option if isinstance(option, str) else "", f"{field}.options", 100)
                if option and option not in options:
                    options.append(option)
            if len(options) < 2:
                raise _fail(SurveyError.OPTIONS_REQUIRED, f"{field}.options")
        is_satisfaction = bool(q.get("is_satisfaction"))
        if is_satisfaction and kind != QuestionKind.SCALE:
            raise _fail(SurveyError.ONE_SATISFACTION_QUESTION, "questions")
        out.append(
            {
                "position": i + 1,
                "kind": kind,
                "text": text,
                "required": bool(q.get("required", True)),
                "options": options,
                "is_satisfaction": is_satisfaction,
            }
        )
    if sum(q["is_satisfaction"] for q in out) != 1:
        raise _fail(SurveyError.ONE_SATISFACTION_QUESTION, "questions")
    return out


def _write_questions(template: SurveyTemplate, questions: list[dict]) -> None:
    SurveyQuestion.objects.bulk_create([SurveyQuestion(template=template, **q) for q in questions])


def _event(actor, event_type: str, *, template=None, campaign=None, survey=None, old=None, new=None) -> SurveyEvent:
    return SurveyEvent.objects.create(
        actor=actor, event_type=event_type, template=template, campaign=campaign, survey=survey, old=old, new=new
    )


@transaction.atomic
def create_template(*, actor, site_id: int, name: str, questions: Iterable[dict], intro: str = "") -> SurveyTemplate:
    _require_manage(actor)
    site = get_site_for(actor, site_id)
    name = _line(name, "name", 100, required_error=SurveyError.NAME_REQUIRED)
    intro = (intro or "").strip()
    try:
        plain_text(intro)
    except ValidationError as exc:
        raise invalid({"intro": exc.messages}) from None
    if len(intro) > 2000:
        raise invalid({"intro": CoreError.INVALID_INPUT.message})
    cleaned = _clean_questions(questions)
    if SurveyTemplate.objects.filter(site=site, name=name).exists():
        raise _fail(SurveyError.DUPLICATE_NAME, "name")
    template = SurveyTemplate.objects.create(site=site, name=name, intro=intro)
    _write_questions(template, cleaned)
    _event(actor, "template_created", template=template, new={"name": name, "questions": cleaned})
    return template


def _lock_template(actor, template: SurveyTemplate) -> SurveyTemplate:
    if template.site_id not in site_ids_for(actor):
        raise not_found()
    return SurveyTemplate.objects.select_for_update().get(pk=template.pk)


@transaction.atomic
def update_template(
    template: SurveyTemplate,
    *,
    actor,
    name: str | None = None,
    intro: str | None = None,
    is_active: bool | None = None,
    questions: Iterable[dict] | None = None,
) -> SurveyTemplate:
    """Rename, switch on/off, or replace the questions while nothing was sent with it yet."""
    _require_manage(actor)
    template = _lock_template(actor, template)
    old, new = {}, {}
    if name is not None:
        name = _line(name, "name", 100, required_error=SurveyError.NAME_REQUIRED)
        if name != template.name:
            if SurveyTemplate.objects.filter(site_id=template.site_id, name=name).exclude(pk=template.pk).exists():
                raise _fail(SurveyError.DUPLICATE_NAME, "name")
            old["name"], new["name"] = template.name, name
            template.name = name
    if intro is not None and intro.strip() != template.intro:
        intro = intro.strip()
        try:
            plain_text(intro)
        except ValidationError as exc:
            raise invalid({"intro": exc.messages}) from None
        old["intro"], new["intro"] = template.intro, intro[:2000]
        template.intro = intro[:2000]
    if is_active is not None and bool(is_active) != template.is_active:
        old["is_active"], new["is_active"] = template.is_active, bool(is_active)
        template.is_active = bool(is_active)
    if questions is not None:
        cleaned = _clean_questions(questions)
        if template.surveys.exists():
            raise ServiceError(SurveyError.TEMPLATE_IN_USE)
        before = list(template.questions.order_by("position").values("kind", "text", "required", "options"))
        template.questions.all().delete()
        _write_questions(template, cleaned)
        old["questions"], new["questions"] = before, cleaned
    if not new:
        return template
    template.save(update_fields=[f for f in ("name", "intro", "is_active") if f in new])
    _event(actor, "template_changed", template=template, old=old, new=new)
    return template


@transaction.atomic
def set_closure_rule(
    *,
    actor,
    site_id: int,
    work_order_type: str,
    template_id: int | None,
    enabled: bool,
    link_valid_days: int = DEFAULT_LINK_DAYS,
) -> ClosureSurveyRule:
    """Which questionnaire (if any) goes out when an order of this type is closed at this site."""
    _require_manage(actor)
    site = get_site_for(actor, site_id)
    if work_order_type not in WorkOrderType.values:
        raise invalid({"work_order_type": CoreError.INVALID_INPUT.message})
    days = _days(link_valid_days, "link_valid_days")
    try:
        template = SurveyTemplate.objects.get(pk=int(template_id), site=site)
    except (SurveyTemplate.DoesNotExist, TypeError, ValueError):
        raise invalid({"template": CoreError.INVALID_INPUT.message}) from None
    if enabled and not template.is_active:
        raise _fail(SurveyError.TEMPLATE_INACTIVE, "template")
    rule = ClosureSurveyRule.objects.select_for_update().filter(site=site, work_order_type=work_order_type).first()
    old = None
    if rule is None:
        rule = ClosureSurveyRule(site=site, work_order_type=work_order_type)
    else:
        old = {"template": rule.template_id, "enabled": rule.enabled, "link_valid_days": rule.link_valid_days}
    new = {"template": template.pk, "enabled": bool(enabled), "link_valid_days": days}
    if old == new:
        return rule
    rule.template, rule.enabled, rule.link_valid_days = template, bool(enabled), days
    rule.save()
    _event(actor, "closure_rule_set", template=template, old=old, new={"type": work_order_type, **new})
    return rule


def _segment_fields(site, *, tier, tag_id, order_type, order_from, order_to) -> dict:
    if tier and tier not in Tier.values:
        raise invalid({"tier": CoreError.INVALID_INPUT.message})
    if order_type and order_type not in WorkOrderType.values:
        raise invalid({"order_type": CoreError.INVALID_INPUT.message})
    tag = None
    if tag_id:
        try:
            tag = CustomerTag.objects.get(pk=int(tag_id), site=site)
        except (CustomerTag.DoesNotExist, TypeError, ValueError):
            raise invalid({"tag": CoreError.INVALID_INPUT.message}) from None
    if order_from and order_to and order_from > order_to:
        raise _fail(SurveyError.BAD_PERIOD, "order_to")
    return {
        "tier": tier or "",
        "tag": tag,
        "order_type": order_type or "",
        "order_from": order_from,
        "order_to": order_to,
    }


@transaction.atomic
def create_campaign(
    *,
    actor,
    site_id: int,
    name: str,
    template_id: int,
    tier: str = "",
    tag_id: int | None = None,
    key_customers_only: bool = False,
    order_type: str = "",
    order_from=None,
    order_to=None,
    repeat_days: int | None = None,
    link_valid_days: int = DEFAULT_LINK_DAYS,
    starts_at=None,
) -> SurveyCampaign:
    """A campaign sends its questionnaire to the segment when run; with repeat_days it runs again periodically."""
    _require_manage(actor)
    site = get_site_for(actor, site_id)
    name = _line(name, "name", 100, required_error=SurveyError.NAME_REQUIRED)
    try:
        template = SurveyTemplate.objects.get(pk=int(template_id), site__in=site_ids_for(actor))
    except (SurveyTemplate.DoesNotExist, TypeError, ValueError):
        raise invalid({"template": CoreError.INVALID_INPUT.message}) from None
    if template.site_id != site.id:
        # Each site has its own questionnaires, often of the same name: say which mistake was made.
        raise _fail(SurveyError.TEMPLATE_OTHER_SITE, "template")
    if not template.is_active:
        raise _fail(SurveyError.TEMPLATE_INACTIVE, "template")
    segment = _segment_fields(
        site, tier=tier, tag_id=tag_id, order_type=order_type, order_from=order_from, order_to=order_to
    )
    if repeat_days is not None:
        repeat_days = _days(repeat_days, "repeat_days")
    campaign = SurveyCampaign.objects.create(
        site=site,
        name=name,
        template=template,
        key_customers_only=bool(key_customers_only),
        repeat_days=repeat_days,
        link_valid_days=_days(link_valid_days, "link_valid_days"),
        next_run_at=starts_at,
        created_by=actor,
        **segment,
    )
    _event(
        actor,
        "campaign_created",
        campaign=campaign,
        template=template,
        new={
            "name": name,
            "tier": campaign.tier,
            "tag": campaign.tag_id,
            "key_customers_only": campaign.key_customers_only,
            "order_type": campaign.order_type,
            "order_from": order_from,
            "order_to": order_to,
            "repeat_days": repeat_days,
            "starts_at": starts_at,
        },
    )
    return campaign


@transaction.atomic
def set_campaign_active(campaign: SurveyCampaign, *, actor, active: bool) -> SurveyCampaign:
    _require_manage(actor)
    if campaign.site_id not in site_ids_for(actor):
        raise not_found()
    campaign = SurveyCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.is_active == bool(active):
        return campaign
    campaign.is_active = bool(active)
    campaign.save(update_fields=["is_active"])
    _event(
        actor, "campaign_switched", campaign=campaign, old={"is_active": not active}, new={"is_active": bool(active)}
    )
    return campaign
