"""The follow-up API: the to-do list, recording a visit, reports and settings; bad input is a 400 that writes nothing."""

from __future__ import annotations

import pytest

from conftest import client_for

from ..models import FollowUpAttempt, FollowUpRule, PlanYear, VisitStatus
from .conftest import open_visit

pytestmark = pytest.mark.django_db
BASE = "/api/v1/followups"


def _due_now(visit):
    visit.planned_on = visit.due_on = visit.planned_on.today()
    visit.save(update_fields=["planned_on", "due_on"])
    return visit


def test_today_lists_my_due_visits_and_an_attempt_completes_one(closed_order, agent):
    visit = _due_now(open_visit(closed_order()))
    api = client_for(agent)
    rows = api.get(f"{BASE}/today/").json()
    assert [r["id"] for r in rows] == [visit.pk]
    response = api.post(
        f"{BASE}/visits/{visit.pk}/attempts/",
        {"reached": True, "satisfaction": "basically", "score": 4, "comments": "基本满意"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "done" and body["attempt_rows"][0]["score"] == 4
    assert api.get(f"{BASE}/today/").json() == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "reached"),
        ({"reached": True, "satisfaction": "satisfied", "score": 9}, "score"),
        ({"reached": True, "satisfaction": "happy", "score": 3}, "satisfaction"),
        ({"reached": True, "satisfaction": "satisfied"}, "score"),
        ({"reached": "maybe"}, "reached"),
        ({"reached": False, "satisfaction": "satisfied"}, "satisfaction"),
        ({"reached": True, "satisfaction": "satisfied", "score": 3, "comments": "x" * 2001}, "comments"),
        ({"reached": True, "satisfaction": "satisfied", "score": 3, "information_delivered": ["gossip"]},
         "information_delivered"),
    ],
)  # fmt: skip
def test_bad_attempt_input_is_a_400_and_writes_nothing(closed_order, agent, payload, field):
    visit = open_visit(closed_order())
    response = client_for(agent).post(f"{BASE}/visits/{visit.pk}/attempts/", payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert any(k.split(".")[0] == field for k in body["fields"]) and body["message"]
    visit.refresh_from_db()
    assert visit.attempts == 0 and visit.status == VisitStatus.OPEN
    assert not FollowUpAttempt.objects.exists()


def test_another_sites_visit_is_a_404(closed_order, outsider):
    visit = open_visit(closed_order())
    api = client_for(outsider)
    assert api.get(f"{BASE}/visits/{visit.pk}/").status_code == 404
    response = api.post(f"{BASE}/visits/{visit.pk}/attempts/", {"reached": False}, format="json")
    assert response.status_code == 404
    assert not FollowUpAttempt.objects.exists()


def test_a_technician_may_not_record_visits(closed_order, technician):
    visit = open_visit(closed_order())
    response = client_for(technician).post(f"{BASE}/visits/{visit.pk}/attempts/", {"reached": False}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_rules_are_read_by_staff_and_changed_by_managers(site, agent, manager):
    assert [r["order_type"] for r in client_for(agent).get(f"{BASE}/sites/{site.pk}/rules/").json()] == [
        "complaint",
        "repair",
        "after_sales",
        "special_service",
    ]
    url = f"{BASE}/sites/{site.pk}/rules/repair/"
    assert client_for(agent).patch(url, {"delay_hours": 2}, format="json").status_code == 403
    response = client_for(manager).patch(url, {"delay_hours": 2, "method": "on_site"}, format="json")
    assert response.status_code == 200 and response.json()["delay_hours"] == 2
    bad = client_for(manager).patch(url, {"delay_hours": -5, "max_attempts": 99}, format="json")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"delay_hours", "max_attempts"}
    rule = FollowUpRule.objects.get(site=site, order_type="repair")
    assert (rule.delay_hours, rule.method, rule.max_attempts) == (2, "on_site", 3)


def test_rules_of_another_site_are_a_404(site, outsider):
    assert client_for(outsider).get(f"{BASE}/sites/{site.pk}/rules/").status_code == 404
    response = client_for(outsider).patch(f"{BASE}/sites/{site.pk}/rules/repair/", {"delay_hours": 2}, format="json")
    assert response.status_code == 404


def test_generate_refuses_bad_input_and_writes_nothing(site, manager):
    api = client_for(manager)
    for payload in (
        {},
        {"site": site.pk, "year": "next"},
        {"site": site.pk, "year": 1999},
        {"site": site.pk, "year": 2090},
    ):
        assert api.post(f"{BASE}/plans/generate/", payload, format="json").status_code == 400
    assert not PlanYear.objects.exists()


def test_revisit_rate_is_done_over_due_per_person(closed_order, agent, supervisor):
    from .. import services

    a = _due_now(open_visit(closed_order()))
    _due_now(open_visit(closed_order()))
    services.record_attempt(a, actor=agent, reached=True, satisfaction="satisfied", score=5)
    today = a.due_on.isoformat()
    body = client_for(supervisor).get(f"{BASE}/revisit-rate/", {"start": today, "end": today}).json()
    assert [(r["assignee_id"], r["due"], r["done"], r["rate"]) for r in body["results"]] == [(agent.pk, 2, 1, 0.5)]
    bad = client_for(supervisor).get(f"{BASE}/revisit-rate/", {"start": today, "end": "2000-01-01"})
    assert bad.status_code == 400


def test_overdue_and_plan_completion_are_for_supervisors(agent, supervisor):
    assert client_for(agent).get(f"{BASE}/overdue/").status_code == 403
    assert client_for(supervisor).get(f"{BASE}/overdue/").status_code == 200
    q = {"start": "2026-01-01", "end": "2026-12-31"}
    assert client_for(agent).get(f"{BASE}/plan-completion/", q).status_code == 403
    assert client_for(supervisor).get(f"{BASE}/plan-completion/", q).status_code == 200
