"""The complaint API: intake and actions through HTTP, structured 400s that write nothing, scope and roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import client_for, make_user
from kefu.accounts.models import Role
from kefu.complaints import services
from kefu.complaints.models import Complaint, ComplaintEvent, CoordinationTask, Proposal
from kefu.customers.models import Customer
from kefu.customers.services import create_customer
from kefu.tickets.models import WorkOrder

from .conftest import intake_data

BASE = "/api/v1/complaints/"


def _intake(site_, customer, **kw):
    body = {
        "site": site_.id, "customer": customer.id, "channel": "walk_in", "subject": "试衣间灯坏了无人处理",
        "product": "试衣服务", "category": "环境设施", "demand": "尽快修好并道歉", "complainant_name": "张伟",
        "contact": "13812345678", "apology_note": "当面致歉",
    }  # fmt: skip
    body.update(kw)
    return body


def test_intake_through_the_api(site, agent, customer):
    response = client_for(agent).post(BASE, _intake(site, customer), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["category"] == "环境设施" and data["contact"] == "138****5678" and data["status"] == "accepted"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"complainant_name": ""}, "complainant_name"),
        ({"contact": ""}, "contact"),
        ({"subject": ""}, "subject"),
        ({"product": ""}, "product"),
        ({"category": "不存在的类别"}, "category"),
        ({"demand": ""}, "demand"),
        ({"apology_note": ""}, "apology_note"),
        ({"channel": "pigeon"}, "channel"),
        ({"site": "x"}, "site"),
        ({"subject": "a\x00b"}, "subject"),
        ({"complained_at": "yesterday"}, "complained_at"),
    ],
)
def test_bad_intake_is_a_400_and_writes_nothing(site, agent, customer, change, field):
    response = client_for(agent).post(BASE, _intake(site, customer, **change), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["fields"] and body["message"]
    assert not WorkOrder.objects.exists() and not Complaint.objects.exists() and not ComplaintEvent.objects.exists()


def test_bad_action_input_is_a_400_and_writes_nothing(investigating, agent, shop_user):
    client = client_for(agent)
    pk = investigating.pk
    assert client.post(f"{BASE}{pk}/proposals/", {"text": ""}, format="json").status_code == 400
    assert client.post(f"{BASE}{pk}/tasks/", {"party": "shop", "owner": shop_user.id}, format="json").status_code == 400
    r = client.post(f"{BASE}{pk}/compensations/", {"kind": "refund", "amount": "-1"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "amount_invalid"
    assert client.post(f"{BASE}{pk}/answers/", {"accepted": "perhaps"}, format="json").status_code == 400
    assert not Proposal.objects.exists() and not CoordinationTask.objects.exists()
    assert list(investigating.events.values_list("event_type", flat=True)) == ["registered", "investigation_started"]


def test_other_sites_complaint_is_a_404(investigating, outsider, two_proposals):
    client = client_for(outsider)
    assert client.get(f"{BASE}{investigating.pk}/").status_code == 404
    assert client.post(f"{BASE}{investigating.pk}/proposals/", {"text": "x"}, format="json").status_code == 404
    assert client.post(f"{BASE}proposals/{two_proposals[0].pk}/approve/", {}, format="json").status_code == 404


def test_agent_cannot_approve_through_the_api(two_proposals, agent, supervisor):
    r = client_for(agent).post(f"{BASE}proposals/{two_proposals[0].pk}/approve/", {}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    r = client_for(supervisor).post(f"{BASE}proposals/{two_proposals[0].pk}/approve/", {}, format="json")
    assert r.status_code == 200 and r.json()["proposals"][0]["status"] == "approved"


def test_generic_work_order_reply_of_a_complaint_is_refused_through_the_api(investigating, agent):
    order = investigating.work_order
    r = client_for(agent).post(f"/api/v1/work-orders/{order.pk}/reply/", {"body": "好的"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "no_approved_proposal"


def test_shop_user_sees_only_its_own_tasks_through_the_api(investigating, agent, shop_user, technician, engineering):
    due = (timezone.now() + timedelta(hours=3)).isoformat()
    client = client_for(agent)
    assert client.post(f"{BASE}{investigating.pk}/tasks/", {"party": "shop", "owner": shop_user.id,
                       "instruction": "请说明情况", "due_at": due}, format="json").status_code == 200  # fmt: skip
    client.post(f"{BASE}{investigating.pk}/tasks/", {"party": "department", "department": engineering.id,
                "owner": technician.id, "instruction": "检查灯具", "due_at": due}, format="json")  # fmt: skip
    mine, theirs = CoordinationTask.objects.order_by("id")
    shop = client_for(shop_user)
    assert [t["id"] for t in shop.get(f"{BASE}tasks/").json()["results"]] == [mine.pk]
    assert shop.get(f"{BASE}tasks/{theirs.pk}/").status_code == 404
    assert shop.get(f"{BASE}{investigating.pk}/").status_code == 404  # no work-order access for shop logins
    r = shop.post(f"{BASE}tasks/{mine.pk}/respond/", {"response": "灯具已更换"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "responded"


def test_full_complaint_through_the_api(investigating, agent, supervisor, shop_user):
    client, pk = client_for(agent), investigating.pk
    for text in ("全额退款", "换货"):
        assert client.post(f"{BASE}{pk}/proposals/", {"text": text}, format="json").status_code == 200
    first = Proposal.objects.get(number=1)
    client_for(supervisor).post(f"{BASE}proposals/{first.pk}/approve/", {"note": "同意"}, format="json")
    assert client_for(shop_user).post(f"{BASE}proposals/{first.pk}/shop-confirm/", {}, format="json").status_code == 200
    r = client.post(f"{BASE}{pk}/reply/", {"body": "同意全额退款", "channel": "phone", "apology_repeated": True},
                    format="json")  # fmt: skip
    assert r.status_code == 200, r.content
    assert client.post(f"{BASE}{pk}/answers/", {"accepted": True}, format="json").json()["outcome"] == "accepted"
    r = client.post(f"{BASE}{pk}/close/", {"root_cause": "面料", "preventive_measure": "验货"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert Customer.objects.count() == 1


def test_cancelling_a_complaint_under_investigation_is_a_409_through_the_api(investigating, agent):
    r = client_for(agent).post(
        f"/api/v1/work-orders/{investigating.pk}/cancel/", {"reason": "顾客不再追究"}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "cancel_blocked" and "经理" in r.json()["message"]
    assert WorkOrder.objects.get(pk=investigating.pk).status == "in_progress"


# --- the list's ?site= filter: site scoping (SEC-02 need-to-know; WO-13 search) ---------------------------------


@pytest.fixture
def foreign_complaint(other_site, outsider):
    """A complaint of the other site, taken by that site's agent."""
    stranger = create_customer(actor=outsider, site_id=other_site.id, name="李娜", phones=["13900001111"])
    return services.register_complaint(actor=outsider, **intake_data(other_site, stranger, contact="13900001111"))


def _listed(user, **params) -> list[int]:
    response = client_for(user).get(BASE, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_list_filtered_by_one_of_the_callers_sites_shows_only_that_site(
    register, foreign_complaint, site, other_site, service_center
):
    """Site scoping: `?site=` narrows the list to some of the caller's sites (repeat it for several)."""
    ours = register()
    both = make_user(Role.AGENT, sites=[site, other_site], departments=[service_center], username="both_sites")
    assert set(_listed(both)) == {ours.pk, foreign_complaint.pk}
    assert _listed(both, site=site.id) == [ours.pk]
    assert _listed(both, site=other_site.id) == [foreign_complaint.pk]
    assert set(_listed(both, site=[site.id, other_site.id])) == {ours.pk, foreign_complaint.pk}


def test_list_filtered_by_a_site_outside_the_callers_scope_is_empty(register, foreign_complaint, agent, outsider):
    """Site scoping (SEC-02): another site's id gives no rows, never that site's complaints."""
    ours = register()
    assert _listed(agent, site=foreign_complaint.site_id) == []
    assert _listed(outsider, site=ours.site_id) == []
    assert _listed(agent, site=[ours.site_id, foreign_complaint.site_id]) == [ours.pk]


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1,2", "", str(10**30)])
def test_list_with_a_bad_site_is_a_structured_400_naming_the_field(register, agent, value):
    """Bad input answers {code, message, fields} like the work-order list, never a 500 or an unfiltered list."""
    register()
    response = client_for(agent).get(BASE, {"site": value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_input" and body["message"]
    assert any(key == "site" or key.startswith("site.") for key in body["fields"])
