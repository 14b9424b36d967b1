"""Sessions read with their user in one query (kefu.core.sessions), with every answer of Django's own pair of reads."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_user
from kefu.core.models import StaffSession
from kefu.core.sessions import session_user

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password="pass-1234")
    return client


def test_a_page_reads_its_session_and_user_in_one_query(agent):
    client = _logged_in(agent)
    client.get("/work-orders/")  # warm the per-process caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/work-orders/").status_code == 200
    first = ctx.captured_queries[0]["sql"]
    assert "core_staffsession" in first and "accounts_user" in first
    user_table = connection.ops.quote_name("accounts_user")
    alone = [q["sql"] for q in ctx.captured_queries[1:] if f"FROM {user_table} WHERE" in q["sql"]]
    assert alone == []  # no second read of the logged-in user


def test_the_session_row_names_its_user_and_follows_logins_and_logout(agent, supervisor):
    client = _logged_in(agent)
    key = client.cookies["sessionid"].value
    assert StaffSession.objects.get(pk=key).user_id == agent.pk
    assert client.login(username=supervisor.username, password="pass-1234")
    key = client.cookies["sessionid"].value
    assert StaffSession.objects.get(pk=key).user_id == supervisor.pk
    assert client.get("/api/v1/me/").json()["username"] == supervisor.username
    client.post("/logout/")
    assert not StaffSession.objects.filter(pk=key).exists()
    assert client.get("/work-orders/").status_code == 302


def test_the_joined_user_is_handed_over_only_while_the_request_reads_it(agent):
    client = _logged_in(agent)
    assert client.get("/api/v1/me/").status_code == 200
    # Outside a request nothing is handed over: a later request of the same thread reads its own session.
    assert session_user(agent.pk) is None


def test_a_row_whose_user_column_disagrees_with_its_data_answers_by_the_data(agent, supervisor):
    # The signed data is the authority, as in Django: the column only saves a read when it agrees.
    client = _logged_in(agent)
    StaffSession.objects.filter(pk=client.cookies["sessionid"].value).update(user_id=supervisor.pk)
    assert client.get("/api/v1/me/").json()["username"] == agent.username
    StaffSession.objects.filter(pk=client.cookies["sessionid"].value).update(user_id=None)
    assert client.get("/api/v1/me/").json()["username"] == agent.username


def test_an_expired_session_is_no_login_and_clearsessions_removes_it(agent):
    client = _logged_in(agent)
    key = client.cookies["sessionid"].value
    StaffSession.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/work-orders/").status_code == 302
    assert client.get("/api/v1/me/").status_code in (401, 403)
    call_command("clearsessions")
    assert not StaffSession.objects.filter(pk=key).exists()


def test_a_session_of_a_deleted_user_is_no_login_and_its_row_stays_harmless(site):
    gone = make_user(sites=[site])
    client = _logged_in(gone)
    key = client.cookies["sessionid"].value
    type(gone).objects.filter(pk=gone.pk).delete()  # no foreign-key constraint to stop it
    assert StaffSession.objects.filter(pk=key).exists()
    assert client.get("/work-orders/").status_code == 302


def test_an_unknown_or_malformed_session_cookie_is_a_fresh_anonymous_session(agent):
    client = Client()
    for key in ("x" * 32, "not a key; at all", "9" * 40):
        client.cookies["sessionid"] = key
        assert client.get("/work-orders/").status_code == 302
