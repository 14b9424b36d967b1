"""The OpenAPI schema is valid and complete; the docs page loads with local assets only; errors stay structured."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command
from django.test import Client
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

WORK_ORDER_ACTIONS = [
    "accept",
    "start",
    "wait-customer",
    "resume",
    "resolve",
    "close",
    "reopen",
    "cancel",
    "assign",
    "transfer",
    "reply",
    "notes",
    "priority",
    "attachments",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on an invalid document


def test_schema_lists_the_work_order_and_customer_paths(schema):
    paths = schema["paths"]
    assert set(paths["/api/v1/work-orders/"]) >= {"get", "post"}
    assert "get" in paths["/api/v1/work-orders/{id}/"]
    for action in WORK_ORDER_ACTIONS:
        assert "post" in paths[f"/api/v1/work-orders/{{id}}/{action}/"], action
    assert set(paths["/api/v1/customers/"]) >= {"get", "post"}
    assert set(paths["/api/v1/customers/lookup/"]) >= {"get", "post"}
    assert "post" in paths["/api/v1/customers/phones/{id}/reveal/"]
    assert "/api/v1/me/" in paths and "/api/v1/auth/token/" in paths


def test_schema_documents_version_idempotency_and_errors(schema):
    detail = schema["components"]["schemas"]["WorkOrderDetail"]["properties"]
    assert {"version", "allowed_actions", "timeline"} <= set(detail)
    create = schema["paths"]["/api/v1/work-orders/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    accept = schema["paths"]["/api/v1/work-orders/{id}/accept/"]["post"]
    assert accept["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def _foreign_urls(html: str) -> list[str]:
    return [u for u in re.findall(r"""(?:src|href)\s*=\s*["']?(https?://[^"'\s>]+)""", html) if "testserver" not in u]


def test_docs_page_loads_with_local_assets_only():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not _foreign_urls(html), _foreign_urls(html)
    assert not re.search(r"https?://(?!testserver)[\w.-]+/[^\s\"']*\.(?:js|css)", html)
    assets = re.findall(r"""(?:src|href)=["']/static/([^"']+)["']""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    for asset in assets:
        # Shipped inside an installed package and served by the app itself (whitenoise after collectstatic).
        assert finders.find(asset), asset
    assert "/api/schema/" in html
    assert '"validatorUrl": null' in html  # Swagger UI would fetch its validator badge from the internet


def test_unknown_api_path_is_a_structured_404():
    response = APIClient().get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert APIClient().get("/api/v1/work-orders/99999999999999999999/").json()["code"] == "not_found"


def test_no_two_serializers_share_a_component_name():
    # Two apps' `NoteInputSerializer`s became one component: the docs showed one body for both endpoints.
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        SchemaGenerator().get_schema(request=None, public=True)
    clashes = [w for w in GENERATOR_STATS._warn_cache if "identical names" in w]
    GENERATOR_STATS.reset()
    assert not clashes, "\n".join(clashes)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_schema_generation_emits_no_warning_or_error(tmp_path, capsys, lang):
    # Unresolved enum names (Method949Enum: renamed whenever the choices change) and operationId collisions
    # are only warnings to drf-spectacular; `--fail-on-warn` turns each warning or error into a failure.
    # Choice labels are translated and take part in enum matching, hence both languages.
    from drf_spectacular.plumbing import _load_enum_name_overrides

    # Overrides are loaded once per language and process, and only that first load warns about a bad path.
    _load_enum_name_overrides.cache_clear()
    args = ["--fail-on-warn", "--validate", "--lang", lang, "--file", str(tmp_path / "schema.yml")]
    try:
        call_command("spectacular", *args)
    except CommandError as exc:
        pytest.fail(f"{exc}:\n{capsys.readouterr().err}")


def _enum_ref(schema, component, field):
    prop = schema["components"]["schemas"][component]["properties"][field]
    ref = prop.get("$ref") or (prop.get("allOf") or prop["oneOf"])[0]["$ref"]  # oneOf: [enum, BlankEnum]
    return ref.rsplit("/", 1)[-1]


def test_choice_sets_have_stable_enum_names(schema):
    # An ENUM_NAME_OVERRIDES entry whose (value, label) pairs match no field is dropped without a warning.
    unused = set(settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]) - set(schema["components"]["schemas"])
    assert not unused, unused
    # One field name, several choice sets: each gets its own meaningful name.
    assert _enum_ref(schema, "WorkOrder", "channel") == "WorkOrderChannelEnum"
    assert _enum_ref(schema, "FeedbackInputRequest", "channel") == "FeedbackChannelEnum"
    assert _enum_ref(schema, "Broadcast", "channel") == "BroadcastChannelEnum"
    assert _enum_ref(schema, "WorkOrder", "status") == "WorkOrderStatusEnum"
    assert _enum_ref(schema, "FoundItem", "status") == "FoundItemStatusEnum"
    # One choice set, several field names: one name.
    assert _enum_ref(schema, "WorkOrder", "type") == "WorkOrderTypeEnum"
    assert _enum_ref(schema, "Campaign", "order_type") == "WorkOrderTypeEnum"
    assert _enum_ref(schema, "NotifyInputRequest", "method") == _enum_ref(schema, "Case", "notify_method")


@pytest.mark.parametrize("prefix", ["/api/v1/complaints/{id}/", "/api/v1/lostfound/items/{id}/"])
def test_each_action_documents_its_own_request_body(schema, prefix):
    # The complaint and lost-and-found actions once shared one decorated `post`: all showed the last one's body.
    bodies = {}
    for path, ops in schema["paths"].items():
        content = ops.get("post", {}).get("requestBody", {}).get("content", {})
        if path.startswith(prefix) and path.count("/") == prefix.count("/") + 1 and content:
            bodies[path] = next(iter(content.values()))["schema"].get("$ref")
    assert len(bodies) >= 5
    shared = {ref for ref in bodies.values() if list(bodies.values()).count(ref) > 1}
    assert not shared, {p: r for p, r in bodies.items() if r in shared}
