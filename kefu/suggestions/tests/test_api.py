"""The API under /api/v1/suggestions/: happy path, bad input (400, nothing written), permissions and scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import client_for
from kefu.suggestions.models import Inquiry, InquiryEvent, Suggestion, SuggestionEvent
from kefu.suggestions.transitions import Stage
from kefu.tickets.models import WorkOrder, WorkOrderEvent

BASE = "/api/v1/suggestions/"


def _written():
    return (
        WorkOrder.objects.count(),
        Suggestion.objects.count(),
        SuggestionEvent.objects.count(),
        WorkOrderEvent.objects.count(),
        InquiryEvent.objects.count(),
    )


def test_suggestion_from_record_to_close_over_the_api(agent, supervisor, site, categories, engineering):
    a, boss = client_for(agent), client_for(supervisor)
    r = a.post(
        BASE,
        {
            "site": site.id,
            "content": "希望增加儿童推车",
            "proposer_name": "陈女士",
            "proposer_contact": "13600003333",
            "category": categories["服务"].id,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    pk = body["id"]
    assert body["stage"] == "classified" and body["proposer_contact"] == "136****3333"
    assert "evaluate" in body["next_steps"]
    r = boss.post(f"{BASE}{pk}/evaluate/", {"feasibility": "feasible", "valuable": True}, format="json")
    assert r.status_code == 200 and r.json()["stage"] == "evaluated"
    r = a.post(f"{BASE}{pk}/forward/", {"department": engineering.id, "note": "请评估采购"}, format="json")
    assert r.status_code == 200 and r.json()["forwarded_to_department"]["id"] == engineering.id
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    r = boss.post(
        f"{BASE}{pk}/adopt/",
        {"reason": "同意采购 10 台", "plan": "采购推车", "plan_owner": agent.id, "plan_due_on": due},
        format="json",
    )
    assert r.status_code == 200 and r.json()["stage"] == "adopted"
    assert r.json()["plan_owner"]["id"] == agent.id and r.json()["plan_due_on"] == due
    r = a.post(f"{BASE}{pk}/complete/", {"result": "已投放 10 台"}, format="json")
    assert r.status_code == 200
    r = a.post(
        f"{BASE}{pk}/feedback/",
        {"message": "感谢您的建议,推车已投放", "channel": "phone", "thanked": True},
        format="json",
    )
    assert r.status_code == 200 and r.json()["feedback_channel"] == "phone"
    r = a.post(f"{BASE}{pk}/close/", {}, format="json")
    assert r.status_code == 200 and r.json()["work_order_status"] == "closed"
    detail = a.get(f"{BASE}{pk}/").json()
    assert [e["event_type"] for e in detail["events"]][-1] == "close"


def test_record_with_missing_fields_answers_400_and_writes_nothing(agent, site):
    before = _written()
    r = client_for(agent).post(BASE, {"site": site.id, "content": "", "proposer_name": "", "proposer_contact": ""})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid_input"
    assert {"content", "proposer_name", "proposer_contact"} <= set(body["fields"])
    assert _written() == before


@pytest.mark.parametrize(
    "payload",
    [
        {"site": "x"},
        {"site": 1, "content": "a\x00b", "proposer_name": "王", "proposer_contact": "13900001111"},
        {"site": 1, "content": "好", "proposer_name": "<b>王</b>", "proposer_contact": "13900001111"},
        {"site": 1, "content": "好", "proposer_name": "王", "proposer_contact": "13900001111", "channel": "fax"},
        {"site": 10**30, "content": "好", "proposer_name": "王", "proposer_contact": "1"},
    ],
)
def test_record_with_malformed_input_answers_400_and_writes_nothing(agent, payload):
    before = _written()
    r = client_for(agent).post(BASE, payload, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "invalid_input"
    assert _written() == before


def test_adopt_without_plan_answers_400_and_writes_nothing(at, supervisor):
    s = at(Stage.FORWARDED)
    before = _written()
    r = client_for(supervisor).post(f"{BASE}{s.pk}/adopt/", {"reason": "同意", "plan": "方案"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "plan_owner_required"
    r = client_for(supervisor).post(f"{BASE}{s.pk}/adopt/", {"plan_due_on": "not-a-date"}, format="json")
    assert r.status_code == 400 and "plan_due_on" in r.json()["fields"]
    assert _written() == before


def test_a_step_out_of_order_answers_409(at, supervisor):
    s = at(Stage.CLASSIFIED)
    r = client_for(supervisor).post(f"{BASE}{s.pk}/reject/", {"reason": "不行"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "evaluation_required"


def test_an_agent_cannot_decide_over_the_api(at, agent):
    s = at(Stage.FORWARDED)
    before = _written()
    r = client_for(agent).post(f"{BASE}{s.pk}/reject/", {"reason": "不采纳"}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert _written() == before


def test_another_sites_suggestion_is_404(at, outsider):
    s = at(Stage.FORWARDED)
    c = client_for(outsider)
    assert c.get(f"{BASE}{s.pk}/").status_code == 404
    r = c.post(f"{BASE}{s.pk}/classify/", {"category": 1}, format="json")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert s.pk not in [row["id"] for row in c.get(BASE).json()]


def test_list_filters_and_statistics(at, supervisor, categories):
    at(Stage.REJECTED)
    at(Stage.CLASSIFIED)
    c = client_for(supervisor)
    assert len(c.get(BASE, {"stage": "rejected"}).json()) == 1
    assert len(c.get(BASE, {"category": categories["服务"].id}).json()) == 2
    assert c.get(BASE, {"stage": "nonsense"}).status_code == 400
    stats = c.get(f"{BASE}statistics/").json()
    assert stats["totals"]["total"] == 2 and stats["totals"]["rejected"] == 1
    assert stats["totals"]["adoption_rate"] == 0.0
    assert c.get(f"{BASE}statistics/", {"date_from": "2026-02-01", "date_to": "2026-01-01"}).status_code == 400
    names = [row["name"] for row in c.get(f"{BASE}categories/").json()]
    assert {"商品", "服务", "环境"} <= set(names)


# ---- inquiries ----


def test_anonymous_inquiry_answered_over_the_api(agent, site):
    c = client_for(agent)
    r = c.post(
        f"{BASE}inquiries/",
        {"site": site.id, "question": "几点关门?", "answer": "晚上十点", "no_further_questions": True},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "resolved" and r.json()["answer"] == "晚上十点"


def test_inquiry_answer_and_park_over_the_api(make_order, agent):
    order = make_order(type="inquiry", subject="会员积分", accept_now=True)
    c = client_for(agent)
    before = _written()
    r = c.post(f"{BASE}inquiries/{order.pk}/park/", {"told_customer": "需查询后回电"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "promise_required"
    assert _written() == before
    promised = (timezone.now() + timedelta(hours=2)).isoformat()
    r = c.post(
        f"{BASE}inquiries/{order.pk}/park/", {"told_customer": "需查询后回电", "promised_at": promised}, format="json"
    )
    assert r.status_code == 200, r.content
    r = c.post(
        f"{BASE}inquiries/{order.pk}/answer/", {"answer": "积分 1200", "no_further_questions": False}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "confirm_no_further_questions"
    r = c.post(
        f"{BASE}inquiries/{order.pk}/answer/",
        {"answer": "积分 1200", "answer_script_key": "points-lookup", "no_further_questions": True},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    assert Inquiry.objects.get(work_order=order).answer_script_key == "points-lookup"


def test_inquiry_stale_version_answers_409(make_order, agent):
    order = make_order(type="inquiry", accept_now=True)
    r = client_for(agent).post(
        f"{BASE}inquiries/{order.pk}/answer/",
        {"answer": "好", "no_further_questions": True},
        format="json",
        HTTP_IF_MATCH=f'"{order.version + 5}"',
    )
    assert r.status_code == 409 and r.json()["code"] == "version_conflict"


def test_another_sites_inquiry_is_404(make_order, outsider):
    order = make_order(type="inquiry", accept_now=True)
    r = client_for(outsider).post(
        f"{BASE}inquiries/{order.pk}/answer/", {"answer": "好", "no_further_questions": True}, format="json"
    )
    assert r.status_code == 404


def test_the_api_needs_authentication(site):
    from rest_framework.test import APIClient

    assert APIClient().get(BASE).status_code == 401
