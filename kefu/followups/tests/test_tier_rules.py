"""Seed 001 回访方式, one test per rule: the visits of each role level per tier over a year, with a frozen clock."""

from __future__ import annotations

import calendar
import zoneinfo
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from kefu.customers.services import update_customer

from .. import plan_services, selectors
from ..models import FollowUp, Occasion, Source, VisitStatus
from .conftest import AM, DM, HEAD, LEAD

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def year_2026(site, manager, enterprises, roles, frozen):
    """One enterprise of each tier, and the 2026 plan generated on New Year's morning."""
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    customers = dict(zip("ABC", enterprises("A", "B", "C"), strict=True))
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    return customers


def _regular(customer, role) -> list[tuple[date, date]]:
    rows = FollowUp.objects.filter(customer=customer, role=role, occasion=Occasion.REGULAR, source=Source.PLAN)
    return sorted(rows.exclude(status=VisitStatus.CANCELLED).values_list("planned_on", "due_on"))


def _month_end(month: int) -> date:
    return date(2026, month, calendar.monthrange(2026, month)[1])


@pytest.mark.parametrize("tier", ["A", "B", "C"])
def test_account_manager_visits_a_b_and_c_customers_twice_every_month(year_2026, roles, tier):
    periods = _regular(year_2026[tier], AM)
    assert len(periods) == 24
    assert Counter(start.month for start, _ in periods) == {m: 2 for m in range(1, 13)}
    # The two periods of a month follow each other and cover it whole (no day without an owed visit).
    for month in range(1, 13):
        (a1, a2), (b1, b2) = [p for p in periods if p[0].month == month]
        assert (a1, b2) == (date(2026, month, 1), _month_end(month)) and b1 == a2 + timedelta(days=1)
    assert set(FollowUp.objects.filter(customer=year_2026[tier], role=AM).values_list("assignee", flat=True)) == {
        roles[AM].pk
    }


@pytest.mark.parametrize("tier", ["A", "B", "C"])
def test_department_manager_visits_a_b_and_c_customers_once_every_month(year_2026, roles, tier):
    assert _regular(year_2026[tier], DM) == [(date(2026, m, 1), _month_end(m)) for m in range(1, 13)]
    assert set(FollowUp.objects.filter(customer=year_2026[tier], role=DM).values_list("assignee", flat=True)) == {
        roles[DM].pk
    }


@pytest.mark.parametrize("tier", ["A", "B"])
def test_responsible_leader_visits_a_and_b_customers_every_three_months(year_2026, tier):
    assert _regular(year_2026[tier], LEAD) == [
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
    ]


def test_responsible_leader_does_not_visit_c_customers(year_2026):
    assert _regular(year_2026["C"], LEAD) == []


def test_president_visits_a_customers_once_a_year(year_2026, roles):
    assert _regular(year_2026["A"], HEAD) == [(date(2026, 1, 1), date(2026, 12, 31))]
    assert FollowUp.objects.get(customer=year_2026["A"], role=HEAD).assignee == roles[HEAD]


@pytest.mark.parametrize("tier", ["B", "C"])
def test_president_does_not_visit_b_or_c_customers(year_2026, tier):
    assert _regular(year_2026[tier], HEAD) == []


def test_over_the_year_each_visit_enters_its_holders_due_today_list_on_its_first_day(year_2026, roles, frozen):
    """Walk the frozen clock through 2026: the 今日回访 list of each role holder brings every visit once."""
    tier_of = {c.pk: t for t, c in year_2026.items()}
    first_seen: dict[int, date] = {}
    day = date(2026, 1, 1)
    while day.year == 2026:
        frozen(datetime(day.year, day.month, day.day, 9, 0, tzinfo=SHANGHAI))
        for user in set(roles.values()):
            for visit_id in selectors.todo_for(user).values_list("id", flat=True):
                first_seen.setdefault(visit_id, day)
        day += timedelta(days=1)
    visits = FollowUp.objects.filter(pk__in=first_seen)
    assert all(first_seen[v.pk] == max(v.planned_on, date(2026, 1, 1)) for v in visits)
    assert Counter((tier_of[v.customer_id], v.role) for v in visits) == {
        ("A", AM): 24 + 3, ("B", AM): 24 + 3, ("C", AM): 24 + 3,  # 3 holiday revisits: 春节, 中秋, 国庆
        ("A", DM): 12, ("B", DM): 12, ("C", DM): 12,
        ("A", LEAD): 4, ("B", LEAD): 4,
        ("A", HEAD): 1,
    }  # fmt: skip
    assert len(first_seen) == FollowUp.objects.count()


def test_holiday_revisits_of_2024_fall_on_the_workday_before_even_a_make_up_saturday(
    site, manager, enterprises, roles, frozen
):
    """2024: 春节 Feb 10–17 → Fri Feb 9; 清明 Apr 4–6 → Apr 3; 劳动节 May 1–5 → Apr 30; 端午 Jun 8–10 → Fri Jun 7;
    中秋 Sep 15–17 → Sat Sep 14 (调休 workday); 国庆 Oct 1–7 → Mon Sep 30."""
    frozen(datetime(2024, 1, 2, 9, 0, tzinfo=SHANGHAI))
    plan_services.update_revisit_settings(
        site,
        actor=manager,
        scope="enterprise",
        holiday_codes=["spring_festival", "tomb_sweeping_day", "labour_day", "dragon_boat_festival",
                       "mid_autumn_festival", "national_day"],
    )  # fmt: skip
    (c,) = enterprises("C")
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2024)
    rows = FollowUp.objects.filter(customer=c, occasion=Occasion.HOLIDAY).order_by("planned_on")
    assert [(v.planned_on, v.holiday, v.role) for v in rows] == [
        (date(2024, 2, 9), "spring_festival", AM),
        (date(2024, 4, 3), "tomb_sweeping_day", AM),
        (date(2024, 4, 30), "labour_day", AM),
        (date(2024, 6, 7), "dragon_boat_festival", AM),
        (date(2024, 9, 14), "mid_autumn_festival", AM),
        (date(2024, 9, 30), "national_day", AM),
    ]
    # A greeting is owed until the holiday ends.
    assert rows[0].due_on == date(2024, 2, 17)


def test_a_tier_raised_mid_year_adds_the_leader_and_president_visits_still_ahead(
    site, manager, enterprises, roles, frozen
):
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    (c,) = enterprises("C")
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    frozen(datetime(2026, 8, 20, 9, 0, tzinfo=SHANGHAI))
    update_customer(c, actor=manager, changes={"tier": "A"})
    assert _regular(c, LEAD) == [(date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 12, 31))]
    assert _regular(c, HEAD) == [(date(2026, 1, 1), date(2026, 12, 31))]
    # Account manager: Aug 16–31 and Sep…Dec stay owed, now as tier A; Jan–Aug 15 are the past and stay C.
    ahead = FollowUp.objects.filter(customer=c, role=AM, occasion=Occasion.REGULAR, due_on__gte=date(2026, 8, 20))
    assert Counter(ahead.exclude(status=VisitStatus.CANCELLED).values_list("tier", flat=True)) == {"A": 9}
    past = FollowUp.objects.filter(customer=c, role=AM, occasion=Occasion.REGULAR, due_on__lt=date(2026, 8, 20))
    assert Counter(past.values_list("tier", flat=True)) == {"C": 15}
