"""Picker lists on pages being read come from a short cache; changes show at once, POSTs never use it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kefu.accounts.models import Department

from .. import pickers

pytestmark = pytest.mark.django_db


def _queue(client):
    with CaptureQueriesContext(connection) as queries:
        text = client.get(reverse("tickets:queue"), {"scope": "team"}).content.decode()
    return text, len(queries)


def test_a_second_view_of_the_queue_reads_the_lists_from_the_cache(client, supervisor, make_order):
    make_order()
    client.force_login(supervisor)
    _queue(client)
    first, n_first = _queue(client)
    pickers.clear()
    _again, n_fresh = _queue(client)
    assert n_fresh - n_first == 3  # sites, departments, colleagues


def test_a_new_department_shows_at_once(client, supervisor, site):
    client.force_login(supervisor)
    _queue(client)
    Department.objects.create(site=site, name="保洁部")
    text, _n = _queue(client)
    assert "保洁部" in text


def test_lists_expire_after_the_ttl(supervisor, site, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(pickers.time, "monotonic", lambda: clock[0])
    first = pickers.picker_choices(supervisor, cached=True)
    Department.objects.filter(site=site).update(name="改名的部门")  # a bulk update sends no signal
    assert pickers.picker_choices(supervisor, cached=True) is first
    clock[0] += pickers.PICKER_TTL + 1
    fresh = pickers.picker_choices(supervisor, cached=True)
    assert any("改名的部门" in label for _id, label in fresh["departments"])


def test_uncached_lists_are_always_fresh(supervisor, site):
    pickers.picker_choices(supervisor, cached=True)
    Department.objects.filter(site=site).update(name="新名字")
    assert any("新名字" in label for _id, label in pickers.picker_choices(supervisor)["departments"])


def test_the_cache_is_keyed_by_the_actors_sites(supervisor, other_site):
    before = pickers.picker_choices(supervisor, cached=True)
    supervisor.sites.add(other_site)  # m2m change clears the cache, and the key holds the site ids anyway
    supervisor._kefu_site_ids = None
    after = pickers.picker_choices(supervisor, cached=True)
    assert other_site.id not in {i for i, _n in before["sites"]}
    assert other_site.id in {i for i, _n in after["sites"]}
