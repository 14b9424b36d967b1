"""Warranty eligibility (AS-03): the inclusive limit in the business time zone, exclusions, manager overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kefu.aftersales import rule_services, services, warranty
from kefu.aftersales.models import AfterSalesCase, AfterSalesEvent, Eligibility, Stage
from kefu.core.errors import ServiceError

SNAPSHOT = {"category": "家电", "warranty_days": 365}


def test_warranty_limit_day_is_still_in_warranty():
    bought = date(2025, 3, 1)
    last = bought + timedelta(days=365)
    assert warranty.decide(SNAPSHOT, purchased_on=bought, on=last, exclusions_found=[]).eligibility == "in_warranty"


def test_day_after_the_warranty_limit_is_out_of_warranty():
    bought = date(2025, 3, 1)
    after = bought + timedelta(days=366)
    decision = warranty.decide(SNAPSHOT, purchased_on=bought, on=after, exclusions_found=[])
    assert decision.eligibility == "out_of_warranty"
    assert decision.warranty_until == date(2026, 3, 1)


def test_request_date_is_the_shanghai_calendar_day_not_the_utc_day():
    # 2026-03-01 16:30 UTC is 2026-03-02 00:30 in Shanghai: one day later than the UTC date.
    moment = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)
    assert warranty.local_date(moment, "Asia/Shanghai") == date(2026, 3, 2)


def test_intake_on_the_limit_day_is_in_warranty(make_case):
    case = make_case(age_days=365)
    assert case.eligibility == Eligibility.IN_WARRANTY
    assert case.stage == Stage.DECIDED
    assert "365" in case.eligibility_reason


def test_intake_one_day_past_the_limit_is_out_of_warranty(make_case):
    assert make_case(age_days=366).eligibility == Eligibility.OUT_OF_WARRANTY


def test_exclusion_found_makes_the_case_not_covered_with_the_reason(make_case, agent):
    case = services.check_eligibility(make_case(), actor=agent, exclusions_found=["进水受潮"])
    assert case.eligibility == Eligibility.NOT_COVERED
    assert "进水受潮" in case.eligibility_reason


def test_unknown_exclusion_is_refused_and_nothing_written(make_case, agent):
    case = make_case()
    before = AfterSalesEvent.objects.count()
    with pytest.raises(ServiceError) as exc:
        services.check_eligibility(case, actor=agent, exclusions_found=["外星人"])
    assert exc.value.code == "unknown_exclusion"
    assert AfterSalesEvent.objects.count() == before


def test_later_rule_edit_does_not_change_an_earlier_decision(make_case, rule, manager):
    case = make_case(age_days=200)
    rule_services.update_warranty_rule(rule, actor=manager, warranty_days=90)
    case.refresh_from_db()
    assert case.eligibility == Eligibility.IN_WARRANTY
    assert case.rule_snapshot["warranty_days"] == 365 and case.rule_snapshot["version"] == 1
    assert list(rule.events.values_list("event_type", flat=True)) == ["created", "updated"]
    rule.refresh_from_db()
    assert rule.version == 2


def test_override_requires_reason(make_case, manager):
    case = make_case(age_days=400)
    with pytest.raises(ServiceError) as exc:
        services.override_eligibility(case, actor=manager, eligibility="in_warranty", reason="  ")
    assert exc.value.code == "override_reason_required"
    case.refresh_from_db()
    assert case.override_eligibility == "" and case.eligibility == Eligibility.OUT_OF_WARRANTY


def test_only_a_manager_overrides(make_case, agent, supervisor):
    case = make_case(age_days=400)
    for actor in (agent, supervisor):
        with pytest.raises(ServiceError) as exc:
            services.override_eligibility(case, actor=actor, eligibility="in_warranty", reason="老客户")
        assert exc.value.code == "permission_denied"
    assert not AfterSalesEvent.objects.filter(event_type="eligibility_overridden").exists()


def test_manager_override_is_kept_beside_the_rule_decision(make_case, manager):
    case = services.override_eligibility(
        make_case(age_days=400), actor=manager, eligibility="in_warranty", reason="超期3天，经理特批"
    )
    case = AfterSalesCase.objects.get(pk=case.pk)
    assert case.eligibility == Eligibility.IN_WARRANTY
    assert case.decided_eligibility == Eligibility.OUT_OF_WARRANTY
    assert case.overridden_by == manager and case.override_reason == "超期3天，经理特批"


def test_override_of_another_site_is_not_found(make_case, other_site):
    from conftest import make_user

    stranger = make_user("manager", sites=[other_site])
    with pytest.raises(ServiceError) as exc:
        services.override_eligibility(make_case(), actor=stranger, eligibility="not_covered", reason="x")
    assert exc.value.code == "not_found"


def test_purchase_date_in_the_future_is_refused_and_nothing_written(make_case, today):
    from kefu.tickets.models import WorkOrder

    with pytest.raises(ServiceError) as exc:
        make_case(purchased_on=today + timedelta(days=1))
    assert exc.value.code == "purchase_in_future"
    assert not WorkOrder.objects.exists() and not AfterSalesCase.objects.exists()


@pytest.mark.parametrize("field", ["model", "problem"])
def test_model_and_problem_are_required(make_case, field):
    with pytest.raises(ServiceError) as exc:
        make_case(**{field: ""})
    assert field in exc.value.fields
    assert not AfterSalesCase.objects.exists()
