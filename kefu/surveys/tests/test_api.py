"""Surveys API: structured 400 with nothing written, 403 for the wrong role, 404 for another site."""

from __future__ import annotations

import pytest

from conftest import client_for, make_user
from kefu.accounts.models import Role
from kefu.surveys import answers, links
from kefu.surveys.models import ClosureSurveyRule, Survey, SurveyCampaign, SurveyEvent, SurveyTemplate

from .conftest import QUESTIONS, answer_values

pytestmark = pytest.mark.django_db
BASE = "/api/v1/surveys"


def test_create_questionnaire_through_the_api(site, manager):
    response = client_for(manager).post(
        f"{BASE}/templates/", {"site": site.id, "name": "售后回访问卷", "questions": QUESTIONS}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [q["kind"] for q in body["questions"]] == ["scale", "single", "multiple", "text"]
    assert body["questions"][0]["is_satisfaction"] is True


@pytest.mark.parametrize(
    "payload",
    [
        {"site": "x", "name": "问卷", "questions": QUESTIONS},
        {"name": "问卷", "questions": QUESTIONS},
        {"site": 1, "name": "<b>问卷</b>", "questions": QUESTIONS},
        {"site": 1, "name": "问卷", "questions": [{"kind": "scale", "text": "满意吗"}]},
        {"site": 1, "name": "问卷", "questions": "not a list"},
        {
            "site": 1,
            "name": "问卷",
            "questions": [{"kind": "single", "text": "a", "options": "x", "is_satisfaction": True}],
        },
    ],
)
def test_bad_questionnaire_is_a_400_and_nothing_written(site, manager, payload):
    if payload.get("site") == 1:
        payload = {**payload, "site": site.id}
    response = client_for(manager).post(f"{BASE}/templates/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["message"]
    assert not SurveyTemplate.objects.exists() and not SurveyEvent.objects.exists()


def test_agent_may_not_list_or_create_questionnaires(site, agent):
    client = client_for(agent)
    assert client.get(f"{BASE}/templates/").status_code == 403
    assert (
        client.post(
            f"{BASE}/templates/", {"site": site.id, "name": "x", "questions": QUESTIONS}, format="json"
        ).status_code
        == 403
    )
    assert not SurveyTemplate.objects.exists()


def test_another_sites_questionnaire_and_survey_are_404(template, repair_rule, close_order, other_site):
    close_order()
    survey = Survey.objects.get()
    stranger = make_user(Role.MANAGER, sites=[other_site])
    client = client_for(stranger)
    assert client.get(f"{BASE}/templates/{template.pk}/").status_code == 404
    assert client.patch(f"{BASE}/templates/{template.pk}/", {"name": "改"}, format="json").status_code == 404
    assert client.get(f"{BASE}/responses/{survey.pk}/").status_code == 404
    assert client.get(f"{BASE}/responses/").json() == []
    template.refresh_from_db()
    assert template.name == "服务满意度调查"


def test_closure_rule_put_and_bad_input(site, manager, template):
    client = client_for(manager)
    ok = client.put(
        f"{BASE}/closure-rules/",
        {"site": site.id, "work_order_type": "repair", "template": template.id, "enabled": True, "link_valid_days": 7},
        format="json",
    )
    assert ok.status_code == 200 and ClosureSurveyRule.objects.get().link_valid_days == 7
    bad = client.put(
        f"{BASE}/closure-rules/",
        {
            "site": site.id,
            "work_order_type": "complaint",
            "template": template.id,
            "enabled": True,
            "link_valid_days": 0,
        },
        format="json",
    )
    assert bad.status_code == 400 and ClosureSurveyRule.objects.count() == 1


def test_campaign_create_run_and_bad_period(site, manager, template, customer):
    client = client_for(manager)
    bad = client.post(
        f"{BASE}/campaigns/",
        {"site": site.id, "name": "x", "template": template.id, "order_from": "2026-11-10", "order_to": "2026-11-01"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "bad_period" and not SurveyCampaign.objects.exists()
    created = client.post(
        f"{BASE}/campaigns/", {"site": site.id, "name": "年度调查", "template": template.id}, format="json"
    )
    assert created.status_code == 201
    run = client.post(f"{BASE}/campaigns/{created.json()['id']}/run/")
    assert run.status_code == 200 and run.json() == {"sent": 1}


def test_responses_list_carries_the_link_and_answers(repair_rule, close_order, agent):
    close_order()
    survey = Survey.objects.get()
    answers.submit_answers(links.token_for(survey.key), answers=answer_values(survey, score="5"))
    client = client_for(agent)
    rows = client.get(f"{BASE}/responses/").json()
    assert rows[0]["link"].endswith(links.path_for(survey)) and rows[0]["satisfaction"] == 5
    detail = client.get(f"{BASE}/responses/{survey.pk}/").json()
    assert detail["answers"][0]["score"] == 5
    assert client.get(f"{BASE}/responses/", {"status": "nope"}).status_code == 400
    for customer in ("x", "²"):  # "²".isdigit() is True, yet int() refuses it
        refused = client.get(f"{BASE}/responses/", {"customer": customer})
        assert refused.status_code == 400 and "customer" in refused.json()["fields"]


def test_csat_endpoint(repair_rule, close_order, supervisor, agent):
    from django.utils import timezone

    close_order()
    survey = Survey.objects.get()
    answers.submit_answers(links.token_for(survey.key), answers=answer_values(survey, score="4"))
    today = timezone.localdate().isoformat()
    body = (
        client_for(supervisor).get(f"{BASE}/csat/", {"date_from": today, "date_to": today, "group_by": "agent"}).json()
    )
    assert body["rows"][0]["responses"] == 1 and body["rows"][0]["csat"] == "100.0"
    assert client_for(supervisor).get(f"{BASE}/csat/", {"date_from": "x", "date_to": today}).status_code == 400
    assert (
        client_for(supervisor)
        .get(f"{BASE}/csat/", {"date_from": today, "date_to": today, "group_by": "moon"})
        .status_code
        == 400
    )
    assert client_for(agent).get(f"{BASE}/csat/", {"date_from": today, "date_to": today}).status_code == 403
