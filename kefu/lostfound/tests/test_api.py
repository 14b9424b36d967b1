"""The lost & found API: shapes, masking, scoping (404 for another site) and bad input (400, nothing written)."""

from __future__ import annotations

import base64

import pytest

from conftest import client_for
from kefu.lostfound.models import Claim, CustodyHandover, FoundItem, LostFoundEvent, LostPersonReport
from kefu.tickets.models import WorkOrder

from .conftest import RESIDENT_ID, photo_upload, png_bytes

pytestmark = pytest.mark.django_db

BASE = "/api/v1/lostfound"


def _register(client, site_, **kw):
    body = {
        "site": site_.id,
        "what": "黑色双肩包",
        "category": "bag",
        "description": "黑色双肩包，内有笔记本电脑",
        "found_place": "二楼星巴克旁座位",
        "finder_name": "顾客刘先生",
        "finder_contact": "13811112222",
    }
    body.update(kw)
    return client.post(f"{BASE}/items/", body, format="json")


def test_register_search_hand_over_and_claim_through_the_api(site, agent):
    client = client_for(agent)
    r = _register(client, site)
    assert r.status_code == 201, r.json()
    item = r.json()
    assert item["finder_contact"] == "138****2222"
    assert [h["to_holder"] for h in item["custody_chain"]] == [agent.name]

    found = client.get(f"{BASE}/items/", {"q": "双肩包"}).json()["results"]
    assert [i["id"] for i in found] == [item["id"]]
    assert client.get(f"{BASE}/items/", {"q": "钱包"}).json()["results"] == []

    r = client.post(
        f"{BASE}/items/{item['id']}/handover/",
        {"from_holder": agent.name, "to_holder": "客服中心失物柜", "place": "客服中心", "storage_place": "B-01"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["storage_place"] == "B-01"

    signature = base64.b64encode(png_bytes()).decode()
    r = client.post(
        f"{BASE}/items/{item['id']}/claim/",
        {
            "claimant_name": "刘洋",
            "id_type": "resident_id",
            "id_number": RESIDENT_ID,
            "identity_checked": True,
            "signature_name": "刘洋",
            "signature_image": "data:image/png;base64," + signature,
        },
        format="json",
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "claimed" and body["current_holder"] == "刘洋"
    assert body["claim"]["id_number"] == "*" * 14 + "002X" and body["claim"]["has_signature_image"]


def test_id_number_masked_in_lists_and_api(site, agent):
    client = client_for(agent)
    item = _register(client, site).json()
    client.post(
        f"{BASE}/items/{item['id']}/claim/",
        {
            "claimant_name": "刘洋",
            "id_type": "resident_id",
            "id_number": RESIDENT_ID,
            "identity_checked": True,
            "signature_name": "刘洋",
            "claimant_phone": "13900002222",
        },
        format="json",
    )
    for url in (f"{BASE}/items/", f"{BASE}/items/{item['id']}/", f"{BASE}/items/?status=claimed"):
        text = client.get(url).content.decode()
        assert RESIDENT_ID not in text and RESIDENT_ID[:14] not in text
        assert "13900002222" not in text and "13811112222" not in text
    page = client_for(agent).get(f"/lostfound/items/{item['id']}/").content.decode()
    assert RESIDENT_ID not in page and "002X" in page
    assert RESIDENT_ID not in str(list(Claim.objects.values()))


def test_claim_without_identity_check_is_400_and_writes_nothing(site, agent):
    client = client_for(agent)
    item = _register(client, site).json()
    r = client.post(
        f"{BASE}/items/{item['id']}/claim/",
        {
            "claimant_name": "刘洋",
            "id_type": "resident_id",
            "id_number": RESIDENT_ID,
            "identity_checked": False,
            "signature_name": "刘洋",
        },
        format="json",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "identity_not_checked" and "identity_checked" in r.json()["fields"]
    assert not Claim.objects.exists() and CustodyHandover.objects.count() == 1


def test_handover_from_someone_else_is_409(site, agent):
    client = client_for(agent)
    item = _register(client, site).json()
    r = client.post(
        f"{BASE}/items/{item['id']}/handover/",
        {"from_holder": "某某", "to_holder": "失物柜", "place": "客服中心"},
        format="json",
    )
    assert r.status_code == 409 and r.json()["code"] == "not_from_holder"
    assert CustodyHandover.objects.count() == 1


@pytest.mark.parametrize(
    "override,field",
    [
        ({"site": "abc"}, "site"),
        ({"category": "boat"}, "category"),
        ({"what": ""}, "what"),
        ({"what": "<b>包</b>"}, "what"),
        ({"found_place": "x" * 201}, "found_place"),
        ({"found_at": "yesterday"}, "found_at"),
        ({"found_at": "2099-01-01T00:00:00+08:00"}, "found_at"),
        ({"work_order": 99999999}, "work_order"),
    ],
)
def test_api_bad_input_is_400_and_writes_nothing(site, agent, override, field):
    r = _register(client_for(agent), site, **override)
    assert r.status_code == 400, r.content
    assert r.json()["code"] and field in r.json()["fields"]
    assert not FoundItem.objects.exists() and not LostFoundEvent.objects.exists()


def test_photo_upload_is_checked(site, agent, media):
    client = client_for(agent)
    item = _register(client, site).json()
    r = client.post(f"{BASE}/items/{item['id']}/photos/", {"photo": photo_upload("a.png", b"not an image")})
    assert r.status_code == 400 and r.json()["code"] == "photo_type"
    r = client.post(f"{BASE}/items/{item['id']}/photos/", {"photo": photo_upload()})
    assert r.status_code == 200
    photo = r.json()["photos"][0]
    download = client.get(photo["url"])
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_other_site_is_404(site, agent, outsider, media):
    item = _register(client_for(agent), site).json()
    client = client_for(outsider)
    assert client.get(f"{BASE}/items/{item['id']}/").status_code == 404
    r = client.post(
        f"{BASE}/items/{item['id']}/handover/",
        {"from_holder": agent.name, "to_holder": "x", "place": "y"},
        format="json",
    )
    assert r.status_code == 404
    assert client.get(f"{BASE}/items/").json()["results"] == []
    assert client.get(f"/lostfound/items/{item['id']}/").status_code == 404
    r = _register(client, site)
    assert r.status_code == 404
    assert FoundItem.objects.count() == 1


def test_disposal_api_needs_the_permission(site, agent, supervisor):
    item = _register(client_for(agent), site).json()
    r = client_for(agent).post(
        f"{BASE}/items/{item['id']}/dispose/", {"decision": "destroy", "reason": "x"}, format="json"
    )
    assert r.status_code == 403
    r = client_for(supervisor).post(
        f"{BASE}/items/{item['id']}/dispose/", {"decision": "destroy", "reason": "x"}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "not_due_for_disposal"
    r = client_for(agent).post(f"{BASE}/policies/", {"site": site.id, "days": 10}, format="json")
    assert r.status_code == 403
    r = client_for(supervisor).post(f"{BASE}/policies/", {"site": site.id, "days": 10}, format="json")
    assert r.status_code == 200 and r.json() == {"site": site.id, "unclaimed_days": 10}


def test_lost_person_api(site, agent, customer, outsider):
    client = client_for(agent)
    r = client.post(
        f"{BASE}/lost-persons/",
        {
            "site": site.id,
            "customer": customer.id,
            "appearance": "老人，白发，灰色夹克",
            "last_seen_place": "一楼超市入口",
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["priority"] == 1 and body["status"] == "accepted"
    oid = body["work_order"]
    r = client.post(
        f"{BASE}/lost-persons/{oid}/broadcasts/", {"channel": "pa", "text": "请穿灰色夹克的老人到服务台"}, format="json"
    )
    assert r.status_code == 201 and len(r.json()["broadcasts"]) == 1
    assert client_for(outsider).get(f"{BASE}/lost-persons/{oid}/").status_code == 404
    r = client.post(f"{BASE}/lost-persons/{oid}/found/", {"outcome": "guardian"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "handed_to_required"
    # The generic resolve is refused until the outcome is recorded.
    order = WorkOrder.objects.get(pk=oid)
    client.post(f"/api/v1/work-orders/{oid}/start/", {"version": order.version}, format="json")
    order.refresh_from_db()
    r = client.post(
        f"/api/v1/work-orders/{oid}/resolve/", {"version": order.version, "resolution": "找到了"}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "person_not_found_yet"
    r = client.post(
        f"{BASE}/lost-persons/{oid}/found/", {"outcome": "guardian", "handed_to": "女儿王芳"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "resolved" and r.json()["handed_to"] == "女儿王芳"
    r = client.post(f"{BASE}/lost-persons/", {"site": site.id, "appearance": "", "last_seen_place": ""}, format="json")
    assert r.status_code == 400
    assert LostPersonReport.objects.count() == 1
