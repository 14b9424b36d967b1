"""A ServiceError that escapes a web view becomes a page with its status and message, never a 500."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from kefu.core.errors import CoreError, ServiceError, invalid
from kefu.core.views import ServiceErrorMiddleware

pytestmark = pytest.mark.django_db


def _answer(user, exc):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    middleware = ServiceErrorMiddleware(lambda r: None)
    return middleware.process_exception(request, exc)


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (ServiceError(CoreError.PERMISSION_DENIED), 403),
        (ServiceError(CoreError.NOT_FOUND), 404),
        (invalid({"x": "坏值"}), 400),
    ],
)
def test_a_refused_service_call_is_a_page_with_its_status_and_chinese_message(agent, exc, status):
    response = _answer(agent, exc)
    assert response.status_code == status
    if status != 404:
        assert exc.message in response.content.decode()


def test_other_exceptions_are_left_to_django(agent):
    assert _answer(agent, ValueError("boom")) is None
