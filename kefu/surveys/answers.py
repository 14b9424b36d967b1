"""The customer's side: open a survey by its public link, and answer it once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.accounts.services import get_system_actor
from kefu.core.errors import ServiceError
from kefu.core.validators import plain_text

from . import links
from .errors import SurveyError
from .models import QuestionKind, Survey, SurveyAnswer, SurveyEvent, SurveyStatus

MAX_TEXT = 2000


def _check_open(survey: Survey, now) -> None:
    if survey.status == SurveyStatus.ANSWERED:
        raise ServiceError(SurveyError.LINK_USED)
    if survey.expires_at <= now:
        raise ServiceError(SurveyError.LINK_EXPIRED)


def open_survey(token: str, *, now=None, for_update: bool = False) -> Survey:
    """The survey behind a link, if it may still be answered; each refusal is its own error (400/404/410)."""
    key = links.key_from(token)
    if key is None:
        raise ServiceError(SurveyError.LINK_INVALID)
    qs = Survey.objects.select_related("template", "site")
    if for_update:
        qs = qs.select_for_update()
    survey = qs.filter(key=key).first()
    if survey is None:
        raise ServiceError(SurveyError.LINK_UNKNOWN)
    _check_open(survey, now or timezone.now())
    return survey


def questions_of(survey: Survey) -> list:
    return list(survey.template.questions.order_by("position"))


def _clean_answer(question, raw) -> dict | None:
    """One answer's value, or None when it was left empty. Raises ValueError(message) when it is invalid."""
    values = [v for v in (raw if isinstance(raw, list | tuple) else [raw]) if isinstance(v, str) and v.strip()]
    if not values:
        return None
    if question.kind == QuestionKind.SCALE:
        if len(values) != 1 or values[0].strip() not in {"1", "2", "3", "4", "5"}:
            raise ValueError(SurveyError.ANSWER_INVALID.message)
        return {"score": int(values[0])}
    if question.kind == QuestionKind.SINGLE:
        if len(values) != 1 or values[0] not in question.options:
            raise ValueError(SurveyError.ANSWER_INVALID.message)
        return {"choices": values}
    if question.kind == QuestionKind.MULTIPLE:
        if any(v not in question.options for v in values):
            raise ValueError(SurveyError.ANSWER_INVALID.message)
        return {"choices": [o for o in question.options if o in values]}
    text = "\n".join(values).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(SurveyError.ANSWER_TOO_LONG.message)
    try:
        plain_text(text)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    return {"text": text}


def field_name(question) -> str:
    return f"q{question.pk}"


@transaction.atomic
def submit_answers(token: str, *, answers: dict, now=None) -> Survey:
    """Store the customer's answers once. `answers` maps "q<question id>" to a string or a list of strings.

    The survey row is locked, so of two simultaneous submissions the second finds it answered (LINK_USED).
    """
    now = now or timezone.now()
    survey = open_survey(token, now=now, for_update=True)
    rows, errors = [], {}
    satisfaction = None
    for question in questions_of(survey):
        name = field_name(question)
        try:
            value = _clean_answer(question, answers.get(name))
        except ValueError as exc:
            errors[name] = [str(exc)]
            continue
        if value is None:
            if question.required:
                errors[name] = [str(SurveyError.ANSWER_REQUIRED.message)]
            continue
        if question.is_satisfaction:
            satisfaction = value["score"]
        rows.append(SurveyAnswer(survey=survey, question=question, **value))
    if errors:
        raise ServiceError(SurveyError.ANSWERS_INVALID, fields=errors)
    SurveyAnswer.objects.bulk_create(rows)
    survey.status, survey.answered_at, survey.satisfaction = SurveyStatus.ANSWERED, now, satisfaction
    survey.save(update_fields=["status", "answered_at", "satisfaction"])
    SurveyEvent.objects.create(
        actor=get_system_actor(),
        event_type="survey_answered",
        survey=survey,
        note="customer",
        new={"satisfaction": satisfaction, "answers": len(rows)},
    )
    return survey
