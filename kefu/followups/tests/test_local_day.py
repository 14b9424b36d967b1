"""A visit is due on its site's own local day: "due today" and overdue follow the site's time zone, not the server's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from .. import selectors
from .conftest import open_visit

pytestmark = pytest.mark.django_db
# 17:30 in Berlin on Nov 30 is already 00:30 on Dec 1 in Shanghai (the server's zone).
BOUNDARY = datetime(2026, 11, 30, 17, 30, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture
def berlin_visit(site, closed_order):
    site.time_zone = "Europe/Berlin"
    site.save(update_fields=["time_zone"])

    def _make(planned_on: date, due_on: date):
        visit = open_visit(closed_order())
        visit.planned_on, visit.due_on = planned_on, due_on
        visit.save(update_fields=["planned_on", "due_on"])
        return visit

    return _make


def test_a_visit_planned_for_tomorrow_at_the_site_is_not_due_today_yet(berlin_visit, agent):
    visit = berlin_visit(date(2026, 12, 1), date(2026, 12, 3))
    assert list(selectors.todo_for(agent, now=BOUNDARY)) == []
    assert list(selectors.todo_for(agent, now=BOUNDARY.replace(hour=23, minute=59))) == []
    assert list(selectors.todo_for(agent, now=datetime(2026, 12, 1, 0, 1, tzinfo=ZoneInfo("Europe/Berlin")))) == [visit]


def test_a_visit_due_today_at_the_site_is_not_overdue_though_the_server_day_has_passed(berlin_visit, supervisor):
    visit = berlin_visit(date(2026, 11, 29), date(2026, 11, 30))
    assert list(selectors.overdue_for(supervisor, now=BOUNDARY)) == []
    assert selectors.overdue_counts(supervisor, now=BOUNDARY) == []
    next_day = datetime(2026, 12, 1, 0, 1, tzinfo=ZoneInfo("Europe/Berlin"))
    assert list(selectors.overdue_for(supervisor, now=next_day)) == [visit]


def test_each_site_keeps_its_own_day_in_one_list(berlin_visit, agent, other_site):
    # The agent works at a Shanghai site too: there the same instant is already Dec 1.
    from kefu.customers.services import create_customer
    from kefu.followups.models import FollowUp

    berlin_visit(date(2026, 12, 1), date(2026, 12, 3))
    agent.sites.add(other_site)
    agent = type(agent).objects.get(pk=agent.pk)  # the site list is cached on the instance
    there = FollowUp.objects.create(
        site=other_site,
        customer=create_customer(actor=agent, site_id=other_site.id, name="王芳", phones=["13900002222"]),
        source="plan",
        role="account_manager",
        assignee=agent,
        planned_on=date(2026, 12, 1),
        due_on=date(2026, 12, 3),
    )
    assert list(selectors.todo_for(agent, now=BOUNDARY)) == [there]


def test_the_today_page_prints_the_sites_date(berlin_visit, client, agent):
    from django.urls import reverse
    from django.utils import timezone

    berlin_visit(date(2026, 11, 1), date(2026, 11, 2))
    client.force_login(agent)
    response = client.get(reverse("followups:today"))
    local = timezone.localtime(timezone.now(), ZoneInfo("Europe/Berlin")).date()
    assert response.status_code == 200 and response.context["today"] == local
