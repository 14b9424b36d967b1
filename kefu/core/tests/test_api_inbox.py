"""Inbox API: own notifications only, newest first, unread filter, keyset cursor, unread count, mark read."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from conftest import client_for
from kefu.core.models import Notification
from kefu.core.notifications import notify

LIST = "/api/v1/notifications/"
COUNT = "/api/v1/notifications/unread-count/"
MARK = "/api/v1/notifications/mark-read/"


@pytest.fixture
def inbox(agent, supervisor):
    mine = [notify(agent, kind="escalation_remind", title=f"工单{i}即将超时", email=False) for i in range(3)]
    theirs = notify(supervisor, kind="escalation_supervisor", title="工单超时上报", email=False)
    return mine, theirs


def test_list_shows_only_own_newest_first(agent, inbox):
    mine, _ = inbox
    body = client_for(agent).get(LIST).json()
    assert [n["id"] for n in body["results"]] == [n.id for n in reversed(mine)]
    assert body["unread_count"] == 3 and body["next_cursor"] is None
    assert body["results"][0]["title"] == "工单2即将超时" and body["results"][0]["read_at"] is None


def test_cursor_pages_through_the_inbox(agent, inbox):
    mine, _ = inbox
    api = client_for(agent)
    first = api.get(LIST, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next_cursor"] == mine[1].id
    rest = api.get(LIST, {"page_size": 2, "cursor": first["next_cursor"]}).json()
    assert [n["id"] for n in rest["results"]] == [mine[0].id] and rest["next_cursor"] is None


def test_mark_read_touches_only_own_notifications(agent, supervisor, inbox):
    mine, theirs = inbox
    api = client_for(agent)
    response = api.post(MARK, {"ids": [mine[0].id, theirs.id]}, format="json")
    assert response.status_code == 200 and response.json() == {"marked": 1, "unread_count": 2}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    unread = api.get(LIST, {"unread": "true"}).json()["results"]
    assert [n["id"] for n in unread] == [mine[2].id, mine[1].id]
    assert api.get(COUNT).json() == {"unread_count": 2}
    assert api.post(MARK, {}, format="json").json() == {"marked": 2, "unread_count": 0}
    assert client_for(supervisor).get(COUNT).json() == {"unread_count": 1}


@pytest.mark.parametrize(
    "payload, field",
    [({"ids": ["x"]}, "ids"), ({"ids": [10**30]}, "ids"), ({"ids": "1"}, "ids"), ({"ids": [0]}, "ids")],
)
def test_mark_read_refuses_bad_ids(agent, inbox, payload, field):
    response = client_for(agent).post(MARK, payload, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert any(k == field or k.startswith(f"{field}.") for k in response.json()["fields"])
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


@pytest.mark.parametrize("params", [{"page_size": 0}, {"page_size": 101}, {"cursor": "abc"}, {"unread": "perhaps"}])
def test_list_refuses_bad_parameters(agent, params):
    response = client_for(agent).get(LIST, params)
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"


@pytest.mark.parametrize("method, url", [("get", LIST), ("get", COUNT), ("post", MARK)])
def test_anonymous_is_401(db, method, url):
    assert getattr(APIClient(), method)(url).status_code == 401
