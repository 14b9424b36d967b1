"""Questionnaires: ordered questions of four kinds, one satisfaction scale question, frozen once used."""

from __future__ import annotations

import pytest

from kefu.core.errors import ServiceError
from kefu.surveys import services
from kefu.surveys.models import SurveyEvent, SurveyQuestion, SurveyTemplate

from .conftest import QUESTIONS

pytestmark = pytest.mark.django_db


def test_template_keeps_question_order_and_kinds(template):
    rows = list(template.questions.order_by("position").values_list("position", "kind", "required", "is_satisfaction"))
    assert rows == [
        (1, "scale", True, True),
        (2, "single", True, False),
        (3, "multiple", False, False),
        (4, "text", False, False),
    ]
    assert SurveyEvent.objects.filter(template=template, event_type="template_created").count() == 1


@pytest.mark.parametrize(
    "questions, code",
    [
        ([], "questions_required"),
        ([{"kind": "scale", "text": "满意吗"}], "one_satisfaction_question"),
        ([{"kind": "text", "text": "意见", "is_satisfaction": True}], "one_satisfaction_question"),
        ([{"kind": "scale", "text": "", "is_satisfaction": True}], "question_text_required"),
        (
            [
                {"kind": "scale", "text": "a", "is_satisfaction": True},
                {"kind": "single", "text": "b", "options": ["x", "x"]},
            ],
            "options_required",
        ),
        ([{"kind": "rating", "text": "a", "is_satisfaction": True}], "invalid_input"),
    ],
)
def test_bad_questionnaire_is_refused_and_nothing_written(site, manager, questions, code):
    with pytest.raises(ServiceError) as err:
        services.create_template(actor=manager, site_id=site.id, name="问卷", questions=questions)
    assert err.value.code == code
    assert not SurveyTemplate.objects.exists() and not SurveyQuestion.objects.exists()


def test_agent_may_not_edit_questionnaires(site, agent):
    with pytest.raises(ServiceError) as err:
        services.create_template(actor=agent, site_id=site.id, name="问卷", questions=QUESTIONS)
    assert err.value.status == 403 and not SurveyTemplate.objects.exists()


def test_questionnaire_of_another_site_is_not_found(template, other_site):
    from conftest import make_user
    from kefu.accounts.models import Role

    stranger = make_user(Role.MANAGER, sites=[other_site])
    with pytest.raises(ServiceError) as err:
        services.update_template(template, actor=stranger, name="改名")
    assert err.value.status == 404


def test_questions_are_frozen_once_a_survey_was_sent(template, manager, repair_rule, close_order):
    services.update_template(template, actor=manager, questions=QUESTIONS[:1])
    assert template.questions.count() == 1
    close_order()
    with pytest.raises(ServiceError) as err:
        services.update_template(template, actor=manager, questions=QUESTIONS)
    assert err.value.code == "template_in_use" and template.questions.count() == 1
    services.update_template(template, actor=manager, name="新名称")  # the name may still change
    template.refresh_from_db()
    assert template.name == "新名称"
