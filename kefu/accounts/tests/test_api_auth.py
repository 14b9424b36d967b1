"""API authentication: anonymous callers get a structured 401; token and session both work; /me/ tells who."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kefu.core.tests.fixtures import make_staff
from kefu.tickets.models import WorkOrder

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/me/"),
        ("get", "/api/v1/work-orders/"),
        ("post", "/api/v1/work-orders/"),
        ("get", "/api/v1/work-orders/1/"),
        ("post", "/api/v1/work-orders/1/accept/"),
        ("get", "/api/v1/customers/"),
        ("get", "/api/v1/customers/lookup/?phone=138"),
        ("post", "/api/v1/customers/phones/1/reveal/"),
        ("get", "/api/v1/staff/"),
    ],
)
def test_anonymous_gets_a_structured_401(method, path):
    response = getattr(APIClient(), method)(path)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated" and response.json()["fields"] == {}
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_create_writes_nothing(site):
    APIClient().post("/api/v1/work-orders/", {"site": site.id}, format="json")
    assert WorkOrder.objects.count() == 0


def test_obtain_token_and_use_it(agent):
    response = APIClient().post(TOKEN, {"username": "agent", "password": "pass-1234"}, format="json")
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == "agent"


def test_wrong_password_is_a_structured_400(agent):
    response = APIClient().post(TOKEN, {"username": "agent", "password": "wrong"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert "non_field_errors" in response.json()["fields"]


def test_invalid_token_is_a_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_inactive_user_token_is_refused(agent):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=agent)
    type(agent).objects.filter(pk=agent.pk).update(is_active=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/me/").status_code == 401


def test_session_login_works(agent):
    client = APIClient()
    assert client.login(username="agent", password="pass-1234")
    assert client.get("/api/v1/me/").json()["username"] == "agent"


def test_session_writes_need_the_csrf_token(agent, site):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="agent", password="pass-1234")
    response = client.post("/api/v1/work-orders/", {"site": site.id}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_me_tells_role_sites_departments_and_capabilities(agent, site, service_center):
    client = APIClient()
    client.force_login(agent)
    body = client.get("/api/v1/me/").json()
    assert body["role"] == "agent" and body["sites"] == [{"id": site.id, "code": "GD", "name": "测试商场"}]
    assert [d["name"] for d in body["departments"]] == ["客服中心"]
    assert "create_work_order" in body["capabilities"] and "view_staff_phone" not in body["capabilities"]


def test_reference_lists_are_scoped_and_never_show_staff_phones(agent, technician, outsider, engineering, shop):
    technician.phone = "13700000000"
    technician.save(update_fields=["phone"])
    client = APIClient()
    client.force_login(agent)
    staff = client.get("/api/v1/staff/").content.decode()
    assert "tech" in staff and "outsider" not in staff and "13700000000" not in staff
    assert [d["name"] for d in client.get("/api/v1/departments/").json()["results"]] == ["客服中心", "工程部"]
    assert [s["number"] for s in client.get("/api/v1/shops/").json()["results"]] == ["F1-101"]
    other = APIClient()
    other.force_login(outsider)
    assert other.get("/api/v1/departments/").json()["results"] == []
    assert other.get("/api/v1/shops/").json()["results"] == []


def test_a_session_ends_when_its_user_is_deactivated_or_deleted_or_changes_password(agent, site):
    # KefuModelBackend reads a session's user with a prepared read: the same answers as Django's ModelBackend.
    from django.test import Client

    client = Client()
    assert client.login(username="agent", password="pass-1234")
    assert client.get("/api/v1/me/").json()["username"] == "agent"
    type(agent).objects.filter(pk=agent.pk).update(is_active=False)
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert client.get("/work-orders/").status_code == 302  # back to the login page
    type(agent).objects.filter(pk=agent.pk).update(is_active=True)
    assert client.get("/api/v1/me/").status_code == 200
    agent.set_password("another-pass-5678")
    agent.save(update_fields=["password"])
    assert client.get("/api/v1/me/").status_code in (401, 403)
    other = make_staff("other", "agent", sites=[site])
    client.force_login(other)
    type(other).objects.filter(pk=other.pk).delete()
    assert client.get("/work-orders/").status_code == 302
