"""The after-sales API: the whole path over HTTP, structured 400s that write nothing, scoping (404) and roles."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import client_for, make_user
from kefu.accounts.models import Role
from kefu.aftersales import rule_services
from kefu.aftersales.models import AfterSalesCase, AfterSalesEvent, ReturnRequest, WarrantyRule
from kefu.tickets.models import WorkOrder

BASE = "/api/v1/aftersales"


@pytest.fixture
def payload(site, rule, customer, today, shop):
    return {
        "site": site.id,
        "rule": rule.id,
        "customer": customer.id,
        "product_name": "美的空调",
        "model": "KFR-35GW",
        "serial_number": "MD9",
        "purchased_on": (today - timedelta(days=100)).isoformat(),
        "receipt_present": True,
        "order_number": "XP9",
        "shop": shop.id,
        "problem": "不制冷",
    }


def test_intake_over_the_api_shows_the_eligibility_with_reason(agent, payload):
    response = client_for(agent).post(f"{BASE}/cases/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["eligibility"] == "in_warranty" and body["eligibility_reason"]
    assert body["rule_snapshot"]["warranty_days"] == 365
    assert WorkOrder.objects.get(pk=body["work_order"]).type == "after_sales"


@pytest.mark.parametrize(
    "change",
    [
        {"model": ""},
        {"purchased_on": "2026-02-30"},
        {"rule": 999999},
        {"problem": ""},
        {"kind": "teleport"},
        {"product_name": "<b>x</b>"},
    ],
)
def test_bad_intake_is_a_400_and_writes_nothing(agent, payload, change):
    response = client_for(agent).post(f"{BASE}/cases/", {**payload, **change}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] and body["message"] and body["fields"]
    assert not WorkOrder.objects.exists() and not AfterSalesCase.objects.exists()


def test_full_exchange_path_over_the_api(agent, shop_user, finance, payload, today):
    c = client_for(agent)
    pk = c.post(f"{BASE}/cases/", payload, format="json").json()["work_order"]
    assert c.post(f"{BASE}/cases/{pk}/path/", {"path": "mail_in"}, format="json").status_code == 200
    r = c.post(
        f"{BASE}/cases/{pk}/inbound/",
        {"carrier": "顺丰", "tracking_number": "SF1", "on": today.isoformat()},
        format="json",
    )
    assert r.status_code == 200, r.content
    r = c.post(
        f"{BASE}/cases/{pk}/repair/",
        {"outcome": "unrepairable", "fault_cause": "主板损坏", "repair_method": "无配件"},
        format="json",
    )
    assert r.json()["offered_remedies"] == ["exchange", "refund"]
    r = c.post(f"{BASE}/cases/{pk}/remedy/", {"remedy": "exchange"}, format="json")
    ret_id = r.json()["return_request"]["id"]
    assert r.json()["return_request"]["status"] == "awaiting_shop"
    shop = client_for(shop_user)
    assert [x["id"] for x in shop.get(f"{BASE}/returns/pending/").json()] == [ret_id]
    r = shop.post(f"{BASE}/returns/{ret_id}/shop-confirmation/", {"agreed": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "awaiting_receipt"
    r = c.post(f"{BASE}/cases/{pk}/receipt-check/", {"receipt_present": True, "receipt_number": "R1"}, format="json")
    assert r.json()["return_request"]["status"] == "awaiting_cashier"
    r = client_for(finance).post(f"{BASE}/cases/{pk}/cashier/", {"note": "已换新机"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["stage"] == "done" and r.json()["return_request"]["status"] == "completed"


def test_step_with_bad_input_is_a_400_and_writes_nothing(agent, payload):
    c = client_for(agent)
    pk = c.post(f"{BASE}/cases/", payload, format="json").json()["work_order"]
    c.post(f"{BASE}/cases/{pk}/path/", {"path": "mail_in"}, format="json")
    before = AfterSalesEvent.objects.count()
    r = c.post(f"{BASE}/cases/{pk}/inbound/", {"carrier": "", "tracking_number": "SF1", "on": "x"}, format="json")
    assert r.status_code == 400 and set(r.json()["fields"]) == {"carrier", "on"}
    assert AfterSalesEvent.objects.count() == before


def test_step_in_the_wrong_stage_is_a_409(agent, payload):
    c = client_for(agent)
    pk = c.post(f"{BASE}/cases/", payload, format="json").json()["work_order"]
    r = c.post(f"{BASE}/cases/{pk}/cashier/", {}, format="json")
    assert r.status_code == 404  # no return yet: there is nothing to cash
    r = c.post(f"{BASE}/cases/{pk}/handover/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "wrong_stage"


def test_other_site_case_is_404(agent, outsider, payload):
    pk = client_for(agent).post(f"{BASE}/cases/", payload, format="json").json()["work_order"]
    c = client_for(outsider)
    assert c.get(f"{BASE}/cases/{pk}/").status_code == 404
    assert c.post(f"{BASE}/cases/{pk}/path/", {"path": "mail_in"}, format="json").status_code == 404
    assert AfterSalesCase.objects.get().stage == "decided"


def test_shop_user_cannot_see_cases_or_confirm_another_shops_return(agent, site, payload, make_user_shop):
    c = client_for(agent)
    pk = c.post(f"{BASE}/cases/", {**payload, "kind": "exchange"}, format="json").json()["work_order"]
    r = c.post(f"{BASE}/cases/{pk}/return/", {"kind": "exchange"}, format="json")
    ret_id = r.json()["return_request"]["id"]
    stranger = client_for(make_user_shop)
    assert stranger.get(f"{BASE}/cases/{pk}/").status_code == 404
    assert stranger.get(f"{BASE}/returns/pending/").json() == []
    r = stranger.post(f"{BASE}/returns/{ret_id}/shop-confirmation/", {"agreed": True}, format="json")
    assert r.status_code == 404
    assert ReturnRequest.objects.get().shop_agreed is None


@pytest.fixture
def make_user_shop(site):
    from conftest import make_user
    from kefu.accounts.models import Role, Shop

    other = Shop.objects.create(site=site, number="B1-009", name="别家店")
    return make_user(Role.SHOP, sites=[site], shop=other)


def test_rules_need_manage_warranty_rules(agent, manager, site):
    body = {"site": site.id, "category": "手机数码", "warranty_days": 365, "exclusions": ["进水"]}
    r = client_for(agent).post(f"{BASE}/rules/", body, format="json")
    assert r.status_code == 403 and not WarrantyRule.objects.exists()
    r = client_for(manager).post(f"{BASE}/rules/", body, format="json")
    assert r.status_code == 201 and r.json()["exclusions"] == ["进水"]
    r = client_for(manager).patch(f"{BASE}/rules/{r.json()['id']}/", {"warranty_days": 180}, format="json")
    assert r.json()["version"] == 2 and r.json()["warranty_days"] == 180


def test_rule_with_bad_windows_is_a_400(manager, site):
    body = {"site": site.id, "category": "家具", "warranty_days": 365, "return_days": 30, "exchange_days": 7}
    r = client_for(manager).post(f"{BASE}/rules/", body, format="json")
    assert r.status_code == 400 and "exchange_days" in r.json()["fields"]
    assert not WarrantyRule.objects.exists()


def test_duplicate_category_is_a_400(manager, rule, site):
    r = client_for(manager).post(
        f"{BASE}/rules/", {"site": site.id, "category": "家电", "warranty_days": 1}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "category_taken"


def test_refund_approval_needs_a_manager_over_the_api(agent, supervisor, manager, payload):
    c = client_for(agent)
    pk = c.post(
        f"{BASE}/cases/", {**payload, "kind": "return", "purchased_on": payload["purchased_on"]}, format="json"
    ).json()["work_order"]
    r = c.post(f"{BASE}/cases/{pk}/return/", {"kind": "return", "refund_amount": "0"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "amount_invalid"
    assert not ReturnRequest.objects.exists()
    c.post(f"{BASE}/cases/{pk}/return/", {"kind": "return", "refund_amount": "299.00"}, format="json")
    c.post(f"{BASE}/cases/{pk}/shop-confirmation/", {"agreed": True, "shop_person": "王店长"}, format="json")
    ret = ReturnRequest.objects.get()
    assert ret.status == "awaiting_receipt"
    # Bought 100 days ago: past the 7-day return window, so the receipt check refuses with the alternative.
    r = c.post(f"{BASE}/cases/{pk}/receipt-check/", {"receipt_present": True, "receipt_number": "R1"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "refusal_explained"
    r = client_for(supervisor).post(f"{BASE}/cases/{pk}/refund-approval/", {}, format="json")
    assert r.status_code == 403
    r = client_for(manager).post(f"{BASE}/cases/{pk}/refund-approval/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "return_wrong_status"
    assert ReturnRequest.objects.get().approved_at is None


# --- the rules list's ?site= filter: site scoping (SEC-02 need-to-know; WO-13 search) ---------------------------


@pytest.fixture
def foreign_rule(other_site):
    """A warranty rule of the other site, set by that site's manager."""
    boss = make_user(Role.MANAGER, sites=[other_site], username="other_manager")
    return rule_services.create_warranty_rule(actor=boss, site_id=other_site.id, category="数码", warranty_days=180)


def _listed(user, **params) -> list[int]:
    response = client_for(user).get(f"{BASE}/rules/", params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]


def test_rules_filtered_by_one_of_the_callers_sites_show_only_that_site(rule, foreign_rule, site, other_site):
    """Site scoping: `?site=` narrows the rules to some of the caller's sites (repeat it for several)."""
    both = make_user(Role.MANAGER, sites=[site, other_site], username="both_sites")
    assert set(_listed(both)) == {rule.pk, foreign_rule.pk}
    assert _listed(both, site=site.id) == [rule.pk]
    assert _listed(both, site=other_site.id) == [foreign_rule.pk]
    assert set(_listed(both, site=[site.id, other_site.id])) == {rule.pk, foreign_rule.pk}


def test_rules_filtered_by_a_site_outside_the_callers_scope_are_empty(rule, foreign_rule, agent, outsider):
    """Site scoping (SEC-02): another site's id gives no rows, never that site's rules."""
    assert _listed(agent, site=foreign_rule.site_id) == []
    assert _listed(outsider, site=rule.site_id) == []
    assert _listed(agent, site=[rule.site_id, foreign_rule.site_id]) == [rule.pk]


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1,2", "", str(10**30)])
def test_rules_with_a_bad_site_are_a_structured_400_naming_the_field(rule, agent, value):
    """Bad input answers {code, message, fields} like the work-order list, never a 500 or an unfiltered list."""
    response = client_for(agent).get(f"{BASE}/rules/", {"site": value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_input" and body["message"]
    assert any(key == "site" or key.startswith("site.") for key in body["fields"])
