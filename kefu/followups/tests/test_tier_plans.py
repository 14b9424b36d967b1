"""TIER-04…TIER-08 (seed 001 VIP客户管理): revisit plans per tier, holiday revisits, regeneration on a tier change."""

from __future__ import annotations

import zoneinfo
from collections import Counter
from datetime import date, datetime

import pytest

from kefu.core.errors import ServiceError
from kefu.customers.services import update_customer

from .. import plan_services
from ..models import FollowUp, FollowUpEvent, Occasion, PlanRole, PlanYear, Source, VisitStatus

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
AM, DM, LEAD, HEAD = PlanRole.ACCOUNT_MANAGER, PlanRole.DEPARTMENT_MANAGER, PlanRole.LEADERSHIP, PlanRole.COMPANY_HEAD


def _counts(customer) -> Counter:
    rows = FollowUp.objects.filter(customer=customer, source=Source.PLAN).exclude(status=VisitStatus.CANCELLED)
    return Counter((v.role, v.occasion) for v in rows)


def _holiday_days(customer) -> list[date]:
    rows = FollowUp.objects.filter(customer=customer, occasion=Occasion.HOLIDAY).exclude(status=VisitStatus.CANCELLED)
    return sorted(rows.values_list("planned_on", flat=True))


def test_a_year_of_plans_per_tier_and_role_level(site, manager, enterprises, roles, frozen):
    """A, B, C: 客户经理每月两次, 部门经理每月一次; A, B: 分管领导每三个月一次; A: 总裁每年一次; all: holidays."""
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    a, b, c = enterprises("A", "B", "C")
    result = plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    regular, holiday = Occasion.REGULAR, Occasion.HOLIDAY
    assert _counts(a) == {
        (AM, regular): 24,
        (DM, regular): 12,
        (LEAD, regular): 4,
        (HEAD, regular): 1,
        (AM, holiday): 3,
    }
    assert _counts(b) == {(AM, regular): 24, (DM, regular): 12, (LEAD, regular): 4, (AM, holiday): 3}
    assert _counts(c) == {(AM, regular): 24, (DM, regular): 12, (AM, holiday): 3}
    assert result["visits"] == 44 + 43 + 39
    # Each role's visits go to the person holding that role at the site.
    assert {v.role: v.assignee for v in FollowUp.objects.filter(customer=a)} == roles


def test_two_account_manager_visits_split_each_month_in_halves(site, manager, enterprises, roles, frozen):
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    (c,) = enterprises("C")
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    feb = FollowUp.objects.filter(customer=c, role=AM, occasion=Occasion.REGULAR, planned_on__month=2)
    assert sorted(feb.values_list("planned_on", "due_on")) == [
        (date(2026, 2, 1), date(2026, 2, 14)),
        (date(2026, 2, 15), date(2026, 2, 28)),
    ]
    lead = FollowUp.objects.filter(role=LEAD)
    assert not lead.exists()  # C has no 分管领导 visits


def test_holiday_revisits_fall_on_the_last_workday_before_each_holiday(site, manager, enterprises, roles, frozen):
    """2026: 春节 from Feb 15 (Sat Feb 14 is a make-up workday), 中秋 from Sep 25, 国庆 from Oct 1."""
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    (a,) = enterprises("A")
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    assert _holiday_days(a) == [date(2026, 2, 14), date(2026, 9, 24), date(2026, 9, 30)]
    spring = FollowUp.objects.get(customer=a, occasion=Occasion.HOLIDAY, planned_on=date(2026, 2, 14))
    assert (spring.holiday, spring.due_on) == ("spring_festival", date(2026, 2, 23))


def test_mid_autumn_inside_the_national_day_holiday_is_one_visit(site, manager, enterprises, roles, frozen):
    """2025: 中秋 (Oct 6) fell inside 国庆 (Oct 1–8): one holiday period, one revisit (Sun Sep 28 was a workday)."""
    frozen(datetime(2025, 1, 1, 9, 0, tzinfo=SHANGHAI))
    (a,) = enterprises("A")
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2025)
    assert _holiday_days(a) == [date(2025, 1, 27), date(2025, 9, 30)]
    autumn = FollowUp.objects.get(customer=a, occasion=Occasion.HOLIDAY, planned_on=date(2025, 9, 30))
    assert set(autumn.holiday.split(",")) == {"mid_autumn_festival", "national_day"}


def test_a_year_without_holiday_data_skips_lunar_festivals_with_a_warning(site, manager, enterprises, roles, frozen):
    """chinese-calendar 1.11.0 ends with 2026: 国庆 2027 is computed (Fri Oct 1), 春节/中秋 are left out, said so."""
    frozen(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    (a,) = enterprises("A")
    result = plan_services.generate_revisit_plans(site.id, actor=manager, year=2027)
    assert _holiday_days(a) == [date(2027, 9, 30)]
    assert len(result["warnings"]) == 2
    assert PlanYear.objects.get(site=site, year=2027).warnings == result["warnings"]


def test_generation_from_mid_year_plans_only_the_periods_still_ahead(site, manager, enterprises, roles, frozen):
    frozen(datetime(2026, 7, 10, 9, 0, tzinfo=SHANGHAI))
    (c,) = enterprises("C")
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    # July 1–15 is still running; June is over. Holidays left: 中秋 and 国庆.
    assert _counts(c) == {(AM, Occasion.REGULAR): 12, (DM, Occasion.REGULAR): 6, (AM, Occasion.HOLIDAY): 2}


def test_generating_twice_adds_nothing(site, manager, enterprises, roles, frozen):
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    enterprises("A", "C")
    first = plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    again = plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    assert (first["visits"], again["visits"]) == (83, 0)
    assert FollowUp.objects.count() == 83


def test_individual_customers_get_no_plan_unless_the_site_plans_everyone(site, manager, agent, customer, roles, frozen):
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    assert not FollowUp.objects.filter(customer=customer).exists()
    plan_services.update_revisit_settings(site, actor=manager, scope="all", holiday_codes=[])
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    assert _counts(customer) == {(AM, Occasion.REGULAR): 24, (DM, Occasion.REGULAR): 12}


def test_a_tier_change_replaces_the_open_future_visits_and_keeps_the_done_ones(
    site, manager, agent, enterprises, roles, frozen
):
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    (a,) = enterprises("A")
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    frozen(datetime(2026, 7, 10, 9, 0, tzinfo=SHANGHAI))
    done = FollowUp.objects.get(customer=a, role=AM, occasion=Occasion.REGULAR, planned_on=date(2026, 7, 1))
    from ..services import record_attempt

    record_attempt(done, actor=agent, reached=True, satisfaction="satisfied", score=5)
    overdue = FollowUp.objects.get(customer=a, role=AM, occasion=Occasion.REGULAR, planned_on=date(2026, 6, 16))

    update_customer(a, actor=manager, changes={"tier": "C"})

    done.refresh_from_db()
    overdue.refresh_from_db()
    assert done.status == VisitStatus.DONE and done.tier == "A"
    assert overdue.status == VisitStatus.OPEN  # still owed: the past is not rewritten
    ahead = FollowUp.objects.filter(customer=a, due_on__gte=date(2026, 7, 10)).exclude(status=VisitStatus.CANCELLED)
    assert Counter((v.role, v.tier) for v in ahead) == {(AM, "A"): 1, (AM, "C"): 11 + 2, (DM, "C"): 6}
    assert not ahead.filter(role__in=[LEAD, HEAD]).exists()
    assert FollowUp.objects.filter(customer=a, status=VisitStatus.CANCELLED, role=HEAD).count() == 1
    event = FollowUpEvent.objects.get(customer=a, event_type="plan_regenerated")
    assert event.new["tier"] == "C" and event.new["planned"] == 19


def test_generation_is_for_managers_of_the_site_and_this_or_next_year(site, agent, manager, outsider, roles, frozen):
    frozen(datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(ServiceError) as err:
        plan_services.generate_revisit_plans(site.id, actor=agent, year=2026)
    assert err.value.code == "permission_denied"
    with pytest.raises(ServiceError) as err:
        plan_services.generate_revisit_plans(site.id, actor=manager, year=2030)
    assert err.value.code == "year_out_of_range"
    assert not PlanYear.objects.exists() and not FollowUp.objects.exists()


def test_tier_definitions_are_editable_per_site_within_limits(site, other_site, manager, enterprises, roles, frozen):
    frozen(datetime(2026, 1, 1, 9, 0, tzinfo=SHANGHAI))
    plan_services.update_tier_definition(site, "C", actor=manager, account_manager_per_month=1, holiday_visits=False)
    with pytest.raises(ServiceError) as err:
        plan_services.update_tier_definition(site, "C", actor=manager, company_head_per_year=9)
    assert err.value.code == "invalid_input"
    (c,) = enterprises("C")
    plan_services.generate_revisit_plans(site.id, actor=manager, year=2026)
    assert _counts(c) == {(AM, Occasion.REGULAR): 12, (DM, Occasion.REGULAR): 12}
    assert plan_services.tier_definitions(other_site)["C"].account_manager_per_month == 2


def test_roles_default_to_the_sites_staff(site, agent, supervisor, manager):
    holders = plan_services.role_holders(site)
    assert holders[AM] == supervisor and holders[DM] == manager and holders[LEAD] == manager
    assert holders[HEAD] == manager
