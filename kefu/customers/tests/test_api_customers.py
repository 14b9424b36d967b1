"""Customer API: masked numbers, filters, lookup while typing, logged reveal, site scoping, bad input, idempotency."""

from __future__ import annotations

import pytest

from conftest import client_for
from kefu.customers.models import Customer, CustomerDataAccess, CustomerEvent, CustomerPhone
from kefu.customers.services import create_customer

LIST = "/api/v1/customers/"
LOOKUP = "/api/v1/customers/lookup/"


@pytest.fixture
def api(agent):
    return client_for(agent)


@pytest.fixture
def payload(site):
    return {"site": site.id, "name": "王芳", "phones": ["139 1234 5678", "010-87654321"], "tier": "A", "tags": ["VIP"]}


@pytest.fixture
def stranger(other_site, outsider):
    """A customer of the other site."""
    return create_customer(actor=outsider, site_id=other_site.id, name="李娜", phones=["13900001111"])


def written():
    return Customer.objects.count(), CustomerPhone.objects.count(), CustomerEvent.objects.count()


def test_list_masks_phone_numbers(api, customer):
    body = api.get(LIST).json()
    assert body["count"] == 1 and body["next_cursor"] is None
    (row,) = body["results"]
    assert row["phones"] == [
        {"id": customer.phones.get().id, "number": "138****5678", "kind": "mobile", "is_primary": True}
    ]
    assert "13812345678" not in api.get(LIST).content.decode()
    assert "13812345678" not in api.get(f"{LIST}{customer.id}/").content.decode()


def test_list_filters_by_name_tier_site_and_phone_prefix(api, agent, site, customer):
    create_customer(actor=agent, site_id=site.id, name="王芳", phones=["13987654321"], tier="A")
    names = lambda **params: [r["name"] for r in api.get(LIST, params).json()["results"]]  # noqa: E731
    assert names(q="王") == ["王芳"]
    assert names(tier="A") == ["王芳"]
    assert names(phone="1381") == ["张伟"]
    assert names(q="1398") == ["王芳"]
    assert names(site=site.id) == ["王芳", "张伟"]


def test_list_pages_with_a_cursor(api, agent, site, customer):
    for i in range(4):
        create_customer(actor=agent, site_id=site.id, name=f"顾客{i}", phones=[f"1370000000{i}"])
    first = api.get(LIST, {"page_size": 3}).json()
    second = api.get(LIST, {"page_size": 3, "cursor": first["next_cursor"]}).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert first["count"] == 5 and len(set(ids)) == 5 and second["next_cursor"] is None


@pytest.mark.parametrize(
    "params, field",
    [
        ({"tier": "Z"}, "tier"),
        ({"cursor": "abc"}, "cursor"),
        ({"cursor": "¹"}, "cursor"),  # a Unicode digit that int() refuses
        ({"phone": "12"}, "phone"),
        ({"site": "x"}, "site"),
    ],
)
def test_list_refuses_bad_filters(api, params, field):
    response = api.get(LIST, params)
    assert response.status_code == 400 and field in response.json()["fields"]


def test_create_normalises_and_masks(api, payload):
    response = api.post(LIST, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [p["number"] for p in body["phones"]] == ["139****5678", "010****4321"]
    assert body["tier"] == "A" and body["tags"] == ["VIP"]
    assert sorted(CustomerPhone.objects.values_list("national", flat=True)) == ["01087654321", "13912345678"]


def test_create_is_idempotent(api, payload):
    first = api.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    again = api.post(LIST, payload, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and Customer.objects.count() == 1
    other = api.post(LIST, {**payload, "name": "别人"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert other.status_code == 422 and Customer.objects.count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": "名" * 101}, "name"),
        ({"name": "<script>alert(1)</script>"}, "name"),
        ({"name": "王\x00芳"}, "name"),
        ({"address": "<a href=x>1号</a>"}, "address"),
        ({"notes": "备注\x00"}, "notes"),
        ({"tier": "S"}, "tier"),
        ({"kind": "robot"}, "kind"),
        ({"email": "not-an-email"}, "email"),
        ({"phones": ["12345"]}, "phones"),
        ({"phones": []}, "phones"),
        ({"phones": "13912345678"}, "phones"),
        ({"phones": ["1" * 31]}, "phones.0"),
        ({"tags": ["标" * 31]}, "tags.0"),
        ({"site": "abc"}, "site"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(api, payload, change, field):
    response = api.post(LIST, {**payload, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert written() == (0, 0, 0)


@pytest.mark.parametrize("missing", ["site", "name", "phones"])
def test_create_refuses_missing_fields(api, payload, missing):
    payload.pop(missing)
    response = api.post(LIST, payload, format="json")
    assert response.status_code == 400 and missing in response.json()["fields"]
    assert written() == (0, 0, 0)


def test_create_with_emoji_round_trips(api, payload):
    response = api.post(LIST, {**payload, "name": "小美 🌸", "notes": "喜欢 ☕\n周末来"}, format="json")
    assert response.status_code == 201
    again = api.get(f"{LIST}{response.json()['id']}/").json()
    assert again["name"] == "小美 🌸" and again["notes"] == "喜欢 ☕\n周末来"


def test_create_invalid_json_is_a_400(api):
    response = api.generic("POST", LIST, "{name:", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error" and written() == (0, 0, 0)


def test_update_records_the_change(api, customer):
    response = api.patch(f"{LIST}{customer.id}/", {"tier": "B", "tags": ["常客"]}, format="json")
    assert response.status_code == 200 and response.json()["tier"] == "B" and response.json()["tags"] == ["常客"]
    assert CustomerEvent.objects.filter(customer=customer, event_type="customer_changed").count() == 1
    assert api.patch(f"{LIST}{customer.id}/", {"tier": "Q"}, format="json").status_code == 400


def test_add_phone(api, customer):
    response = api.post(f"{LIST}{customer.id}/phones/", {"number": "＋86 138 0000 1111"}, format="json")
    assert response.status_code == 201 and "138****1111" in [p["number"] for p in response.json()["phones"]]
    duplicate = api.post(f"{LIST}{customer.id}/phones/", {"number": "13800001111"}, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "duplicate_phone"


# --- lookup while typing ----------------------------------------------------------------------------------------


def test_lookup_by_prefix_get_and_post(api, customer, stranger):
    assert [c["id"] for c in api.get(LOOKUP, {"phone": "138"}).json()["results"]] == [customer.id]
    body = api.post(LOOKUP, {"phone": "１３８１２"}, format="json").json()
    assert [c["id"] for c in body["results"]] == [customer.id]
    assert body["results"][0]["phones"][0]["number"] == "138****5678"
    assert api.get(LOOKUP, {"phone": "1390000"}).json()["results"] == []  # the other site's customer
    assert api.get(LOOKUP, {"phone": "13"}).json()["results"] == []


def test_lookup_without_phone_is_a_400(api):
    response = api.get(LOOKUP)
    assert response.status_code == 400 and "phone" in response.json()["fields"]


# --- reveal -----------------------------------------------------------------------------------------------------


def reveal_url(phone):
    return f"{LIST}phones/{phone.id}/reveal/"


def test_reveal_returns_the_number_and_logs_who_why(api, customer, agent):
    phone = customer.phones.get()
    response = api.post(reveal_url(phone), {"reason": "回拨顾客确认维修时间"}, format="json")
    assert response.status_code == 200 and response.json()["number"] == "13812345678"
    assert response["Cache-Control"] == "no-store"
    (log,) = CustomerDataAccess.objects.all()
    assert (log.actor_id, log.phone_id, log.note, log.event_type) == (
        agent.id,
        phone.id,
        "回拨顾客确认维修时间",
        "phone_revealed",
    )


def test_reveal_needs_a_reason(api, customer):
    response = api.post(reveal_url(customer.phones.get()), {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert CustomerDataAccess.objects.count() == 0


def test_reveal_needs_the_permission(customer, technician):
    response = client_for(technician).post(reveal_url(customer.phones.get()), {"reason": "想看"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "reveal_not_allowed"
    assert CustomerDataAccess.objects.count() == 0


# --- site scoping -----------------------------------------------------------------------------------------------


def test_outsider_never_sees_the_customers_in_lists_or_lookup(customer, outsider, site):
    client = client_for(outsider)
    assert client.get(LIST).json()["results"] == []
    assert client.get(LIST, {"q": "张伟"}).json()["count"] == 0
    assert client.get(LIST, {"site": site.id}).json()["count"] == 0
    assert client.get(LOOKUP, {"phone": "138"}).json()["results"] == []
    assert client.post(LOOKUP, {"phone": "13812345678", "site": site.id}, format="json").json()["results"] == []


@pytest.mark.parametrize(
    "method, path, data",
    [
        ("get", "{list}{customer}/", None),
        ("patch", "{list}{customer}/", {"tier": "A"}),
        ("post", "{list}{customer}/phones/", {"number": "13700001111"}),
        ("post", "{list}phones/{phone}/reveal/", {"reason": "看看"}),
    ],
)
def test_outsider_gets_404_on_detail_and_actions(customer, outsider, method, path, data):
    phone = customer.phones.get()
    url = path.format(list=LIST, customer=customer.id, phone=phone.id)
    before = written()
    response = getattr(client_for(outsider), method)(url, data, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert written() == before and CustomerDataAccess.objects.count() == 0


def test_outsider_cannot_create_in_another_site(outsider, payload):
    response = client_for(outsider).post(LIST, payload, format="json")
    assert response.status_code == 404 and written() == (0, 0, 0)
