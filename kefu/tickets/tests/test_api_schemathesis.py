"""Property-based fuzzing of the work-order, customer, call, inbox and deadline endpoints from the OpenAPI schema:
never a 5xx.

Schemathesis generates valid and invalid requests from /api/schema/ and sends them in-process (WSGI) with a
real token, against a site with a customer and a work order, so the scoped lookups find rows as well as miss.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from kefu.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
api = schema.include(path_regex=r"^/api/v1/(work-orders|customers|calls|notifications|sla)/")


@pytest.fixture
def in_process_requests():
    """Requests through the bare WSGI app would close the test's database connection at the end of each
    request (Django's test client disconnects the same receivers)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, settings, in_process_requests, agent, manager, customer, make_order):
    from kefu.sla.models import SlaPolicy

    settings.ALLOWED_HOSTS = ["*"]
    order = make_order()
    return {
        "token": Token.objects.create(user=agent).key,
        # Deadline administration is the manager's: fuzz it with a token that gets past the 403.
        "admin_token": Token.objects.create(user=manager).key,
        "/api/v1/sla/sites/": order.site_id,
        "/api/v1/sla/policies/": SlaPolicy.objects.order_by("id").values_list("id", flat=True).first() or 1,
        "/api/v1/work-orders/": order.id,
        "/api/v1/customers/phones/": customer.phones.get().id,
        "/api/v1/customers/": customer.id,
    }


@api.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_fuzzed_requests_never_get_a_server_error(case, world):
    generated = (case.path_parameters or {}).get("id")
    if isinstance(generated, int) and generated % 2 == 0:
        # Half of the cases aim at a row that exists, so validation and services run, not only the 404 path.
        case.path_parameters["id"] = next(v for k, v in world.items() if case.path.startswith(k))
    token = world["admin_token"] if case.path.startswith("/api/v1/sla/") else world["token"]
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error])
