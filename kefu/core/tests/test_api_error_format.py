"""Every API refusal is `{code, message, fields}` in JSON with a Chinese message, whatever the request looked like:
unreadable bodies, a `null` body, unknown paths under any method, a browser's Accept header, form encodings."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.test import Client
from rest_framework import serializers
from rest_framework.authtoken.models import Token

from kefu.core.api import bool_field
from kefu.customers.models import Customer
from kefu.tickets.models import WorkOrder, WorkOrderEvent

HAN = re.compile(r"[\u4e00-\u9fff]")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def token(agent):
    return Token.objects.create(user=agent).key


def raw(token, method, path, body: bytes | str, content_type="application/json", **headers):
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", **headers)
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, data=body, content_type=content_type)


def written():
    return Customer.objects.count(), WorkOrder.objects.count(), WorkOrderEvent.objects.count()


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and set(body) == {"code", "message", "fields"}
    assert HAN.search(body["message"]), body["message"]
    return body


@pytest.mark.parametrize("body", ["{bad", '{"subject":', "[1,", "\ufeff{", '{"a": 1}}'])
@pytest.mark.parametrize("path", ["/api/v1/customers/", "/api/v1/work-orders/", "/api/v1/auth/token/"])
def test_unreadable_json_is_a_400_in_chinese_and_writes_nothing(token, customer, path, body):
    before = written()
    response = raw(token, "post", path, body)
    assert_error(response, 400, "parse_error")
    assert "JSON parse error" not in response.content.decode()
    assert written() == before


def test_unreadable_json_on_an_action_names_no_decoder_detail(token, make_order):
    order = make_order()
    before = written()
    response = raw(token, "post", f"/api/v1/work-orders/{order.id}/notes/", '{"body":')
    body = assert_error(response, 400, "parse_error")
    assert "Expecting" not in body["message"]
    assert written() == before


@pytest.mark.parametrize("path", ["/api/v1/customers/", "/api/v1/work-orders/"])
def test_a_null_body_is_refused_in_chinese(token, customer, path):
    before = written()
    body = assert_error(raw(token, "post", path, "null"), 400, "invalid_input")
    assert HAN.search(body["fields"]["non_field_errors"][0])
    assert "No data provided" not in str(body)
    assert written() == before


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope/",
        "/api/v2/work-orders/",
        "/api/v1/work-orders/abc/accept/",
        "/api/v1/customers/9223372036854775808/",
        "/api/v1/work-orders/1",  # no trailing slash
    ],
)
def test_an_unknown_api_path_is_a_json_404_for_every_method_not_the_csrf_page(agent, method, path):
    # A logged-in browser session (CSRF enforced, as in the real server) and an anonymous caller alike.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    for client in (browser, Client(enforce_csrf_checks=True)):
        response = getattr(client, method)(path, data="{}", content_type="application/json")
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/work-orders/999999999/", 404, "not_found"),
        ("post", "/api/v1/customers/", 400, "invalid_input"),
    ],
)
def test_a_browser_accept_header_still_gets_json_errors(token, method, path, status, code):
    response = raw(token, method, path, "{}", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert_error(response, status, code)


def test_a_browser_without_a_login_gets_a_json_401(db):
    response = Client(HTTP_ACCEPT=BROWSER_ACCEPT).get("/api/v1/work-orders/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


class _Answer(serializers.Serializer):
    agreed = bool_field()
    urgent = bool_field(required=False, default=True)


@pytest.mark.parametrize(
    "data",
    [{}, {"note": "x"}],
)
def test_a_required_yes_no_left_out_of_a_form_body_is_missing_not_false(data):
    # DRF reads a missing boolean of form/multipart input as false (the unticked checkbox of an HTML form).
    form = QueryDict(mutable=True)
    form.update(data)
    for body in (form, data):
        answer = _Answer(data=body)
        assert not answer.is_valid()
        assert list(answer.errors) == ["agreed"]


def test_a_yes_no_given_in_a_form_body_is_read_and_a_default_still_applies():
    form = QueryDict("agreed=false")
    answer = _Answer(data=form)
    assert answer.is_valid(), answer.errors
    assert answer.validated_data == {"agreed": False, "urgent": True}
    answer = _Answer(data=QueryDict("agreed=true&urgent=0"))
    assert answer.is_valid() and answer.validated_data == {"agreed": True, "urgent": False}
