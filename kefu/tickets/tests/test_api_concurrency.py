"""Real concurrency over HTTP: a live server, real threads, token auth, one database connection per request.

Runs on SQLite (IMMEDIATE transactions queue the writers) and on PostgreSQL (unique index and row locks).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.utils import override_settings
from pytest_django.live_server_helper import LiveServer
from rest_framework.authtoken.models import Token

from kefu.core.models import IdempotencyRecord
from kefu.tickets.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db(transaction=True)


class _BacklogServer(ThreadedWSGIServer):
    # Django's test server listens with a backlog of 10; 50 simultaneous clients would be reset by the kernel.
    request_queue_size = 128


@pytest.fixture(scope="module")
def live_server():
    """pytest-django's live server with a deeper listen backlog, and a MEDIA_URL string for Django's media handler.

    Kefu sets MEDIA_URL = None on purpose (attachments are served only by a permission-checked view); the test
    handler reads the setting once, when the server thread starts.
    """
    server = LiveServer("localhost", start=False)
    server.thread.server_class = _BacklogServer
    with override_settings(MEDIA_URL="/__no-media__/"):
        server.start()
    yield server
    server.stop()


def http(method: str, url: str, token: str, body: dict | None = None, headers: dict | None = None):
    """(status, headers, parsed JSON body) of one request; 4xx answers are results, not exceptions."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (the test's own live server)
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_fifty_parallel_creates_with_one_idempotency_key_make_one_order(live_server, site, customer, agent):
    token = Token.objects.create(user=agent).key
    body = {"site": site.id, "type": "repair", "channel": "phone", "subject": "电梯困人 🚨", "customer": customer.id}
    start = threading.Barrier(50)

    def create(_):
        start.wait(30)
        return http("POST", f"{live_server.url}/api/v1/work-orders/", token, body, {"Idempotency-Key": "call-7f3a"})

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(create, range(50)))

    assert [status for status, _, _ in answers] == [201] * 50
    bodies = [answer for _, _, answer in answers]
    assert all(answer == bodies[0] for answer in bodies)
    replayed = [headers.get("Idempotent-Replayed") for _, headers, _ in answers]
    assert replayed.count("true") == 49 and replayed.count(None) == 1
    assert WorkOrder.objects.count() == 1 and WorkOrder.objects.get().id == bodies[0]["id"]
    assert WorkOrderEvent.objects.filter(event_type="created").count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_concurrent_assignment_with_the_same_version_one_wins_one_409(
    live_server, make_order, agent, supervisor, manager
):
    order = make_order()
    tokens = {agent.id: Token.objects.create(user=agent).key, supervisor.id: Token.objects.create(user=supervisor).key}
    detail = f"{live_server.url}/api/v1/work-orders/{order.id}/"
    # Both clients read the same version N …
    versions = {uid: http("GET", detail, token)[2]["version"] for uid, token in tokens.items()}
    assert set(versions.values()) == {order.version}
    start = threading.Barrier(2)
    targets = {agent.id: manager.id, supervisor.id: supervisor.id}

    def assign(uid):
        start.wait(30)
        return uid, http("POST", detail + "assign/", tokens[uid], {"assignee": targets[uid], "version": versions[uid]})

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = dict(pool.map(assign, tokens))

    statuses = sorted(status for status, _, _ in answers.values())
    assert statuses == [200, 409]
    (winner,) = [uid for uid, (status, _, _) in answers.items() if status == 200]
    (loser,) = [uid for uid, (status, _, _) in answers.items() if status == 409]
    assert answers[loser][2]["code"] == "version_conflict"
    order.refresh_from_db()
    assert order.assignee_id == targets[winner] and order.version == versions[winner] + 1
    assert answers[winner][2]["assignee"]["id"] == targets[winner]
    assert list(
        WorkOrderEvent.objects.filter(work_order=order, event_type="assigned").values_list("new", flat=True)
    ) == [{"assignee": targets[winner]}]
