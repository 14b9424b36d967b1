"""The lost & found pages: register/search list, detail with chain and forms, lost-person page, work-order panel."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from kefu.lostfound import person_services
from kefu.lostfound.models import Claim, FoundItem

from .conftest import RESIDENT_ID, png_bytes

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_nav_entry_is_for_desk_roles(agent, technician):
    assert "失物招领" in _client(agent).get("/work-orders/").content.decode()
    assert "/lostfound/" not in _client(technician).get("/work-orders/").content.decode()
    assert _client(technician).get("/lostfound/").status_code == 403


def test_register_search_and_claim_through_the_pages(site, agent):
    client = _client(agent)
    r = client.post(
        "/lostfound/register/",
        {
            "site": site.id,
            "what": "蓝色雨伞",
            "category": "clothing",
            "found_place": "一楼东门",
            "finder_name": "保安郑刚",
            "received_by": agent.name,
        },
    )
    item = FoundItem.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/lostfound/items/{item.pk}/"
    page = client.get("/lostfound/", {"q": "雨伞"}).content.decode()
    assert item.number in page
    assert item.number not in client.get("/lostfound/", {"q": "钱包"}).content.decode()
    detail = client.get(f"/lostfound/items/{item.pk}/").content.decode()
    assert "保安郑刚" in detail and 'data-action="claim"' in detail

    data = {
        "claimant_name": "周敏",
        "id_type": "resident_id",
        "id_number": RESIDENT_ID,
        "signature_name": "周敏",
        "signature_data": "data:image/png;base64," + base64.b64encode(png_bytes()).decode(),
    }
    r = client.post(f"/lostfound/items/{item.pk}/claim/", data)  # identity not ticked
    assert r.status_code == 400 and "请先核对" in r.content.decode()
    assert not Claim.objects.exists()
    r = client.post(f"/lostfound/items/{item.pk}/claim/", {**data, "identity_checked": "on"})
    assert r.status_code == 302
    page = client.get(f"/lostfound/items/{item.pk}/").content.decode()
    assert RESIDENT_ID not in page and "**************002X" in page


def test_bad_registration_shows_the_message_and_saves_nothing(site, agent):
    r = _client(agent).post(
        "/lostfound/register/", {"site": site.id, "what": "", "category": "bag", "found_place": "x", "finder_name": "y"}
    )
    assert r.status_code == 400
    assert not FoundItem.objects.exists()


def test_lost_person_page_opens_an_urgent_order_with_its_panel(site, agent):
    client = _client(agent)
    r = client.post(
        "/lostfound/lost-persons/new/",
        {
            "site": site.id,
            "reporter_name": "王女士",
            "reporter_phone": "13600001234",
            "appearance": "女孩，粉色裙子",
            "last_seen_place": "二楼电梯口",
            "gender": "female",
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    order_url = r["Location"]
    page = client.get(order_url).content.decode()
    assert 'data-testid="lost-person-panel"' in page
    oid = int(order_url.strip("/").split("/")[-1])
    r = client.post(
        f"/lostfound/lost-persons/{oid}/broadcast/", {"channel": "pa", "text": "粉色裙子的小朋友请到服务台"}
    )
    assert r.status_code == 302
    assert "粉色裙子的小朋友请到服务台" in client.get(order_url).content.decode()


def test_loss_report_panel_shows_the_reassurance_and_matches_items(site, agent, make_order, register):
    order = make_order(type="lost_found", subject="丢了黑色钱包", channel="walk_in")
    item = register()
    client = _client(agent)
    page = client.get(f"/work-orders/{order.pk}/").content.decode()
    assert "请您不要着急" in page and item.number in page
    r = client.post(f"/lostfound/loss-reports/{order.pk}/link/", {"item": item.pk})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.work_order == order


def test_other_site_pages_are_404(site, agent, outsider, customer):
    report = person_services.report_lost_person(
        actor=agent, site_id=site.id, customer_id=customer.id, appearance="男孩", last_seen_place="一楼"
    )
    client = _client(outsider)
    r = client.post(f"/lostfound/lost-persons/{report.work_order_id}/broadcast/", {"channel": "pa", "text": "x"})
    assert r.status_code == 404
