"""Shared test fixtures: real database (SQLite or PostgreSQL by DATABASE_URL), real services, no mocks."""

from __future__ import annotations

import itertools
import re

import pytest
from django.db import connection

from kefu.accounts.models import Department, Role, Shop, Site, User
from kefu.core import history

# Chromium fixtures for the browser tests of every app.
pytest_plugins = ("kefu.core.tests.browser",)

_seq = itertools.count(1)


@pytest.fixture(autouse=True, scope="session")
def _sqlite_flush_through_guards():
    """Transactional tests empty every table between tests; on SQLite that is a DELETE, which the append-only
    triggers refuse. Drop and restore the triggers around the flush only (PostgreSQL flushes by TRUNCATE)."""
    if connection.vendor != "sqlite":
        yield
        return
    ops = connection.ops.__class__
    original = ops.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        guarded = [t for t in history.guarded_tables() if t in tables]
        drops = [sql for t in guarded for sql in history.sqlite_drop_sql(t)]
        creates = [sql for t in guarded for sql in history.sqlite_create_sql(t)]
        body = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [*drops, *body, *creates]

    ops.sql_flush = sql_flush
    yield
    ops.sql_flush = original


def make_site(code=None, **kw) -> Site:
    n = next(_seq)
    return Site.objects.create(code=code or f"S{n}", name=kw.pop("name", f"测试门店{n}"), **kw)


def make_user(role=Role.AGENT, *, sites=(), departments=(), **kw) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=kw.pop("username", f"{role}{n}"),
        password=kw.pop("password", "pass-1234"),
        display_name=kw.pop("display_name", f"{role}员工{n}"),
        role=role,
        **kw,
    )
    if sites:
        user.sites.set(sites)
    if departments:
        user.departments.set(departments)
    return user


def detail_page_reads(user, pk) -> tuple[str, int]:
    """The detail page of order `pk` as `user` (after one warm-up view for the per-process caches), and how many
    of its queries read that order's own columns: the page's read, plus any panel reading it again."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get(f"/work-orders/{pk}/")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(f"/work-orders/{pk}/")
    assert page.status_code == 200
    by_this_order = re.compile(rf'"(tickets_workorder"\."id"|work_order_id")\s*=\s*{pk}\b')
    reads = sum(
        '"tickets_workorder"."subject"' in q["sql"] and bool(by_this_order.search(q["sql"]))
        for q in ctx.captured_queries
    )
    return page.content.decode(), reads


def client_for(user):
    """An API client logged in as `user` (session auth, as the web UI uses it)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def site(db):
    return make_site("GD", name="测试商场")


@pytest.fixture
def other_site(db):
    return make_site("WY", name="测试物业项目")


@pytest.fixture
def engineering(site):
    return Department.objects.create(site=site, name="工程部")


@pytest.fixture
def service_center(site):
    return Department.objects.create(site=site, name="客服中心", is_service_center=True)


@pytest.fixture
def shop(site):
    return Shop.objects.create(site=site, number="F1-101", name="优品服饰", floor="1F")


@pytest.fixture
def agent(site, service_center):
    return make_user(Role.AGENT, sites=[site], departments=[service_center], username="agent")


@pytest.fixture
def supervisor(site, service_center):
    return make_user(Role.SUPERVISOR, sites=[site], departments=[service_center], username="supervisor")


@pytest.fixture
def manager(site, service_center):
    return make_user(Role.MANAGER, sites=[site], departments=[service_center], username="manager")


@pytest.fixture
def technician(site, engineering):
    return make_user(Role.TECHNICIAN, sites=[site], departments=[engineering], username="tech")


@pytest.fixture
def finance(site):
    return make_user(Role.FINANCE, sites=[site], username="finance")


@pytest.fixture
def outsider(other_site):
    """An agent of another site: must never see anything of `site`."""
    return make_user(Role.AGENT, sites=[other_site], username="outsider")


@pytest.fixture
def customer(site, agent):
    from kefu.customers.services import create_customer

    return create_customer(actor=agent, site_id=site.id, name="张伟", phones=["13812345678"])


@pytest.fixture
def make_order(site, agent, customer):
    from kefu.tickets.services import create_work_order

    def _make(**kw):
        params = dict(
            actor=agent, site_id=site.id, type="repair", channel="phone", subject="卫生间漏水", customer_id=customer.id
        )
        params.update(kw)
        return create_work_order(**params)

    return _make


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Site ids repeat across rolled-back tests, so the per-process calendar cache must not outlive a test."""
    from django.apps import apps

    if apps.is_installed("kefu.sla"):
        from kefu.sla import calendar_store, services

        calendar_store.clear_cache()
        services.clear_policy_cache()
    yield


@pytest.fixture(autouse=True)
def _fresh_picker_cache():
    """User and site ids repeat across rolled-back tests: cached picker lists must not outlive a test."""
    from kefu.tickets import pickers

    pickers.clear()
    yield
    pickers.clear()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Full-strength PBKDF2 costs ~0.5 s per test user; the hasher is not what these tests are about."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
