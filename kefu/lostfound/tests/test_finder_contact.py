"""The finder's contact: optional, but when given a valid Chinese phone number, stored normalised and shown masked."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import client_for
from kefu.core.errors import ServiceError
from kefu.lostfound.models import FoundItem, LostFoundEvent

pytestmark = pytest.mark.django_db

PHONE_ERROR = "请输入有效的中国手机或固话号码"


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("１３８００１３８０００", "13800138000", "138****8000"),
        ("+86 139-1234-5678", "13912345678", "139****5678"),
        ("010-1234 5678", "01012345678", "010****5678"),
        ("", "", ""),
    ],
)
def test_finder_contact_is_stored_as_the_normalised_phone_number(register, typed, stored, shown):
    item = register(finder_contact=typed)
    assert (item.finder_contact, item.finder_contact_masked) == (stored, shown)


@pytest.mark.parametrize("typed", ["12345", "1380013800a", "保洁部", "+1 650 253 0000"])
def test_finder_contact_must_be_a_valid_phone_number_and_nothing_is_written(register, typed):
    with pytest.raises(ServiceError) as exc:
        register(finder_contact=typed)
    assert exc.value.code == "phone_invalid" and list(exc.value.fields) == ["finder_contact"]
    assert PHONE_ERROR in exc.value.fields["finder_contact"][0]
    assert not FoundItem.objects.exists() and not LostFoundEvent.objects.exists()


def _form(site, agent, contact):
    return {
        "site": site.id,
        "what": "蓝色雨伞",
        "category": "clothing",
        "found_place": "一楼东门",
        "finder_name": "保安郑刚",
        "finder_contact": contact,
        "received_by": agent.name,
    }


@pytest.mark.parametrize("typed", ["12345", "1380013800a"])
def test_register_page_refuses_an_invalid_finder_phone_with_the_chinese_message(site, agent, typed):
    client = Client()
    client.force_login(agent)
    r = client.post("/lostfound/register/", _form(site, agent, typed))
    assert r.status_code == 400 and PHONE_ERROR in r.content.decode()
    assert not FoundItem.objects.exists()


def test_register_page_stores_full_width_digits_as_the_normalised_number(site, agent):
    client = Client()
    client.force_login(agent)
    r = client.post("/lostfound/register/", _form(site, agent, "１３８００１３８０００"))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert FoundItem.objects.get().finder_contact == "13800138000"


def test_register_api_validates_and_normalises_the_finder_phone(site, agent):
    client = client_for(agent)
    body = {"site": site.id, "what": "黑色双肩包", "category": "bag", "found_place": "二楼", "finder_name": "刘先生"}
    r = client.post("/api/v1/lostfound/items/", {**body, "finder_contact": "12345"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "phone_invalid" and "finder_contact" in r.json()["fields"]
    assert not FoundItem.objects.exists()
    r = client.post("/api/v1/lostfound/items/", {**body, "finder_contact": "１３８００１３８０００"}, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["finder_contact"] == "138****8000"
    assert FoundItem.objects.get().finder_contact == "13800138000"
