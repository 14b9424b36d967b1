"""The repair API: the whole flow over HTTP, structured 400s with nothing written, 404 outside one's scope."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from conftest import client_for, make_user
from kefu.accounts.models import Department, Role
from kefu.customers.services import create_customer
from kefu.repairs.models import RepairEvent, RepairPart, RepairSheet
from kefu.repairs.services import create_repair
from kefu.tickets.models import WorkOrder

from .conftest import PNG_1X1, repair_fields

pytestmark = pytest.mark.django_db


def _body(site, engineering, customer, **kw):
    body = {
        "site": site.id,
        "customer": customer.id,
        "reporter_type": "resident",
        "fault": "厨房水槽下水堵塞",
        "location_kind": "unit",
        "building": "5栋",
        "unit": "1单元301",
        "access": "appointment",
        "appointment_start": "2026-12-03T09:00:00+08:00",
        "appointment_end": "2026-12-03T11:00:00+08:00",
        "contact_name": "张伟",
        "contact_phone": "13812345678",
        "department": engineering.id,
        "priority": 2,
    }
    body.update(kw)
    return body


def test_repair_from_call_to_confirmation_over_the_api(site, engineering, customer, agent, technician):
    desk, tech = client_for(agent), client_for(technician)
    r = desk.post("/api/v1/repairs/", _body(site, engineering, customer), format="json", HTTP_IDEMPOTENCY_KEY="rep-1")
    assert r.status_code == 201, r.json()
    pk = r.json()["work_order"]
    assert r.json()["stage"] == "dispatched" and r.json()["contact_phone"] == "138****5678"
    again = desk.post(
        "/api/v1/repairs/", _body(site, engineering, customer), format="json", HTTP_IDEMPOTENCY_KEY="rep-1"
    )
    assert again.json()["work_order"] == pk and RepairSheet.objects.count() == 1

    assert [row["work_order"] for row in tech.get("/api/v1/repairs/").json()] == [pk]
    assert tech.post(f"/api/v1/repairs/{pk}/accept/").json()["stage"] == "accepted"
    assert tech.post(f"/api/v1/repairs/{pk}/arrive/", {}, format="json").json()["stage"] == "on_site"
    part = tech.post(f"/api/v1/repairs/{pk}/parts/", {"name": "PVC弯头", "quantity": "2", "unit": "个"}, format="json")
    assert part.status_code == 201
    photo = io.BytesIO(PNG_1X1)
    photo.name = "堵塞.png"
    assert tech.post(f"/api/v1/repairs/{pk}/photos/", {"file": photo}, format="multipart").status_code == 201
    fee = tech.post(
        f"/api/v1/repairs/{pk}/fee/", {"chargeable": True, "amount": "35.00", "settlement": "alipay"}, format="json"
    )
    assert fee.json()["fee_amount"] == "35.00" and fee.json()["is_paid"] is True
    done = tech.post(
        f"/api/v1/repairs/{pk}/complete/",
        {"work_done": "拆洗存水弯，更换弯头", "result": "下水通畅", "labour_minutes": 40},
        format="json",
    )
    assert done.json()["status"] == "awaiting_customer"
    signature = io.BytesIO(PNG_1X1)
    signature.name = "signature.png"
    confirmed = tech.post(
        f"/api/v1/repairs/{pk}/confirm/",
        {"name": "张伟", "confirmed_at": timezone.now().isoformat(), "signature": signature},
        format="multipart",
    )
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "resolved" and confirmed.json()["signature"] is not None
    assert [p["name"] for p in confirmed.json()["parts"]] == ["PVC弯头"]


def test_bad_create_is_a_structured_400_and_writes_nothing(site, engineering, customer, agent):
    r = client_for(agent).post(
        "/api/v1/repairs/", _body(site, engineering, customer, appointment_end=None), format="json"
    )
    assert r.status_code == 400
    assert r.json()["code"] == "appointment_required" and "appointment_start" in r.json()["fields"]
    assert "预约" in r.json()["message"]
    assert WorkOrder.objects.count() == 0 and RepairSheet.objects.count() == 0


def test_a_sheet_with_several_gaps_names_them_all_at_once(site, engineering, customer, agent):
    # The desk fixes the sheet in one go: missing contact, department and new caller's name in one answer.
    body = {**_body(site, engineering, customer, contact_name="", department=None), "customer": None}
    body["customer_phone"] = "12345"
    r = client_for(agent).post("/api/v1/repairs/", body, format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    assert {"contact_name", "department", "customer_name", "customer_phone"} <= set(r.json()["fields"])
    assert all(r.json()["fields"][name] for name in ("contact_name", "department", "customer_name"))
    assert WorkOrder.objects.count() == 0 and RepairSheet.objects.count() == 0


def test_bad_fee_is_a_structured_400_and_writes_nothing(on_site, technician):
    client = client_for(technician)
    pk = on_site.work_order_id
    r = client.post(f"/api/v1/repairs/{pk}/fee/", {"chargeable": False, "amount": "20"}, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "free_with_amount")
    assert r.json()["fields"] == {"fee_amount": [r.json()["message"]]}
    r = client.post(f"/api/v1/repairs/{pk}/parts/", {"name": "螺丝", "quantity": "-1", "unit": "个"}, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "quantity_positive")
    on_site.refresh_from_db()
    assert on_site.settlement == "" and not RepairPart.objects.exists()
    assert not RepairEvent.objects.filter(event_type__in=["fee_recorded", "part_added"]).exists()


def test_arrival_before_acceptance_is_a_400(make_repair, technician):
    sheet = make_repair()
    client = client_for(technician)
    pk = sheet.work_order_id
    assert client.post(f"/api/v1/repairs/{pk}/arrive/", {}, format="json").json()["code"] == "not_accepted"
    client.post(f"/api/v1/repairs/{pk}/accept/")
    r = client.post(f"/api/v1/repairs/{pk}/arrive/", {"arrived_at": "2020-01-01T08:00:00+08:00"}, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "arrival_before_acceptance")


def test_another_departments_repair_is_a_404_for_a_technician(make_repair, technician, guard, security_dept):
    theirs = make_repair(department_id=security_dept.id)
    client = client_for(technician)
    assert client.get(f"/api/v1/repairs/{theirs.work_order_id}/").status_code == 404
    assert client.post(f"/api/v1/repairs/{theirs.work_order_id}/accept/").status_code == 404
    assert client.get("/api/v1/repairs/").json() == []
    assert client_for(guard).get(f"/api/v1/repairs/{theirs.work_order_id}/").status_code == 200


def test_other_site_repair_is_a_404(make_repair, outsider):
    sheet = make_repair()
    client = client_for(outsider)
    assert client.get(f"/api/v1/repairs/{sheet.work_order_id}/").json()["code"] == "not_found"
    assert client.post(f"/api/v1/repairs/{sheet.work_order_id}/accept/").status_code == 404


def test_handover_endpoint(make_repair, agent, outsider, site):
    make_repair()
    since = "2020-01-01T00:00:00Z"
    r = client_for(agent).get("/api/v1/repairs/handover/", {"site": site.id, "since": since})
    assert r.status_code == 200 and len(r.json()["open_sheets"]) == 1 and r.json()["fee_total"] == "0.00"
    assert client_for(outsider).get("/api/v1/repairs/handover/", {"site": site.id, "since": since}).status_code == 404
    assert client_for(agent).get("/api/v1/repairs/handover/", {"site": site.id}).status_code == 400


# --- the list's ?site= filter: site scoping (SEC-02 need-to-know; WO-13 search) ---------------------------------


@pytest.fixture
def foreign_repair(other_site, outsider):
    """An open repair of the other site, taken by that site's agent for its own 工程部."""
    engineering = Department.objects.create(site=other_site, name="工程部")
    stranger = create_customer(actor=outsider, site_id=other_site.id, name="李娜", phones=["13900001111"])
    return create_repair(actor=outsider, **repair_fields(other_site, engineering, stranger))


def _listed(user, **params) -> list[int]:
    response = client_for(user).get("/api/v1/repairs/", params)
    assert response.status_code == 200, response.content
    return [row["work_order"] for row in response.json()]


def test_list_filtered_by_one_of_the_callers_sites_shows_only_that_site(
    make_repair, foreign_repair, site, other_site, service_center
):
    """Site scoping: `?site=` narrows the open repairs to some of the caller's sites (repeat it for several)."""
    ours = make_repair()
    both = make_user(Role.AGENT, sites=[site, other_site], departments=[service_center], username="both_sites")
    assert set(_listed(both)) == {ours.work_order_id, foreign_repair.work_order_id}
    assert _listed(both, site=site.id) == [ours.work_order_id]
    assert _listed(both, site=other_site.id) == [foreign_repair.work_order_id]
    assert set(_listed(both, site=[site.id, other_site.id])) == {ours.work_order_id, foreign_repair.work_order_id}


def test_list_filtered_by_a_site_outside_the_callers_scope_is_empty(
    make_repair, foreign_repair, agent, outsider, technician, security_dept
):
    """Site scoping (SEC-02): another site's id gives no rows, never that site's repairs; and the filter never
    widens the department scope of a technician."""
    ours = make_repair()
    make_repair(department_id=security_dept.id)
    assert _listed(agent, site=foreign_repair.site_id) == []
    assert _listed(outsider, site=ours.site_id) == []
    assert _listed(technician, site=[ours.site_id, foreign_repair.site_id]) == [ours.work_order_id]


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1,2", "", str(10**30)])
def test_list_with_a_bad_site_is_a_structured_400_naming_the_field(make_repair, agent, value):
    """Bad input answers {code, message, fields} like the work-order list, never a 500 or an unfiltered list."""
    make_repair()
    response = client_for(agent).get("/api/v1/repairs/", {"site": value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid_input" and body["message"]
    assert any(key == "site" or key.startswith("site.") for key in body["fields"])
