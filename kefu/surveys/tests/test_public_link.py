"""The public survey link works once, until it expires; a tampered link opens nothing. Never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.surveys import answers, links
from kefu.surveys.errors import SurveyError
from kefu.surveys.models import Survey, SurveyAnswer, SurveyEvent

from .conftest import answer_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(repair_rule, close_order):
    close_order()
    return Survey.objects.get()


def _url(survey):
    return reverse("surveys:public", args=[links.token_for(survey.key)])


def test_public_page_opens_without_login_in_chinese(survey):
    response = Client().get(_url(survey))
    assert response.status_code == 200
    body = response.content.decode()
    assert "总体满意度" in body and "提交" in body
    assert "logout" not in body  # no staff chrome on the public page


def test_link_answers_once_and_second_use_is_refused(survey):
    client = Client()
    response = client.post(_url(survey), answer_values(survey, score="4"))
    assert response.status_code == 200 and "谢谢" in response.content.decode()
    survey.refresh_from_db()
    assert survey.status == "answered" and survey.satisfaction == 4
    answered = SurveyAnswer.objects.count()

    again = client.get(_url(survey))
    assert again.status_code == 410
    assert "已经提交过" in again.content.decode() or "已回答" in again.content.decode()
    post_again = client.post(_url(survey), answer_values(survey, score="1"))
    assert post_again.status_code == 410
    survey.refresh_from_db()
    assert survey.satisfaction == 4 and SurveyAnswer.objects.count() == answered


def test_expired_link_is_refused(survey):
    later = survey.expires_at + timedelta(seconds=1)
    with pytest.raises(ServiceError) as err:
        answers.submit_answers(links.token_for(survey.key), answers=answer_values(survey), now=later)
    assert err.value.error is SurveyError.LINK_EXPIRED
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(_url(survey))
    assert response.status_code == 410 and "过期" in response.content.decode()
    assert Client().post(_url(survey), answer_values(survey)).status_code == 410
    assert not SurveyAnswer.objects.exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature changed
        lambda t: "x" + t,  # key changed
        lambda t: t.split(":")[0],  # signature removed
        lambda t: "%00" + t,
        lambda t: "a" * 300,
    ],
)
def test_tampered_link_is_refused(survey, mangle):
    token = mangle(links.token_for(survey.key))
    response = Client().get(f"/surveys/s/{token}/")
    assert response.status_code == 400
    assert "链接无效" in response.content.decode()
    assert Client().post(f"/surveys/s/{token}/", answer_values(survey)).status_code == 400
    assert not SurveyAnswer.objects.exists()


def test_unknown_survey_with_a_genuine_signature_is_a_404_page(db):
    response = Client().get(reverse("surveys:public", args=[links.token_for("no-such-key")]))
    assert response.status_code == 404 and "不存在" in response.content.decode()


def test_missing_required_answer_is_refused_and_nothing_written(survey):
    questions = list(survey.template.questions.order_by("position"))
    response = Client().post(_url(survey), {f"q{questions[0].pk}": "5"})
    assert response.status_code == 400
    assert "请回答此题" in response.content.decode()
    survey.refresh_from_db()
    assert survey.status == "pending" and not SurveyAnswer.objects.exists()
    assert not SurveyEvent.objects.filter(event_type="survey_answered").exists()


@pytest.mark.parametrize("score", ["0", "6", "abc", "4.5"])
def test_out_of_range_score_is_refused(survey, score):
    response = Client().post(_url(survey), answer_values(survey, score=score))
    assert response.status_code == 400
    assert not SurveyAnswer.objects.exists()


def test_choice_outside_the_options_is_refused(survey):
    response = Client().post(_url(survey), answer_values(survey, solved="随便"))
    assert response.status_code == 400
    assert not SurveyAnswer.objects.exists()


def test_answer_writes_rows_and_one_event(survey):
    questions = list(survey.template.questions.order_by("position"))
    data = {
        **answer_values(survey, score="2"),
        f"q{questions[2].pk}": ["速度", "态度"],
        f"q{questions[3].pk}": "太慢了",
    }
    assert Client().post(_url(survey), data).status_code == 200
    rows = {a.question.position: a for a in SurveyAnswer.objects.select_related("question")}
    assert rows[1].score == 2 and rows[2].choices == ["已解决"] and rows[3].choices == ["速度", "态度"]
    assert rows[4].text == "太慢了"
    assert list(SurveyEvent.objects.filter(survey=survey).values_list("event_type", flat=True)) == [
        "survey_sent",
        "survey_answered",
    ]
