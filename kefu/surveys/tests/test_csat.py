"""CSAT = share of answered surveys whose satisfaction question scored 4–5, in percent with one decimal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.surveys import answers, links, selectors, sending
from kefu.tickets.services import create_work_order

from .conftest import answer_values

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, 11, day, hour), TZ)


@pytest.fixture
def answered(site, agent, supervisor, customer, template):
    """Surveys answered with given scores, channel and agent, on given days of November 2026."""

    def _make(score, *, day=10, channel="phone", who=None, type="repair"):
        order = create_work_order(
            actor=agent, site_id=site.id, type=type, channel=channel, subject="测试", customer_id=customer.id
        )
        survey = sending.create_survey(
            actor=agent,
            customer=customer,
            template=template,
            link_valid_days=30,
            work_order=order,
            agent=who or agent,
            now=at(day, 8),
        )
        if score is not None:
            answers.submit_answers(
                links.token_for(survey.key), answers=answer_values(survey, score=str(score)), now=at(day)
            )
        return survey

    return _make


def test_csat_counts_4_and_5_as_satisfied_exactly(answered, supervisor, site, agent):
    for score in (5, 4, 3, 2, 1, 5):
        answered(score)
    answered(None)  # sent, never answered: not a response
    answered(5, day=1)  # outside the period
    report = selectors.csat_report(supervisor, date_from=date(2026, 11, 5), date_to=date(2026, 11, 30))
    assert [(r.label, r.responses, r.satisfied, r.csat) for r in report.rows] == [(site.name, 6, 3, Decimal("50.0"))]
    assert report.total.csat == Decimal("50.0")


def test_csat_by_channel_agent_and_type_rounds_half_up(answered, supervisor, agent, make_order):
    for score in (4, 4, 1):
        answered(score, channel="phone", who=agent)
    for score in (5, 2, 2, 2, 2, 2):
        answered(score, channel="online", who=supervisor, type="other")
    by_channel = selectors.csat_report(
        supervisor, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), group_by="channel"
    )
    assert {r.key: (r.responses, r.satisfied, r.csat) for r in by_channel.rows} == {
        "phone": (3, 2, Decimal("66.7")),
        "online": (6, 1, Decimal("16.7")),
    }
    assert (by_channel.total.responses, by_channel.total.satisfied, by_channel.total.csat) == (9, 3, Decimal("33.3"))
    by_type = selectors.csat_report(
        supervisor, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), group_by="type"
    )
    assert {r.key: r.csat for r in by_type.rows} == {"repair": Decimal("66.7"), "other": Decimal("16.7")}
    rates = selectors.agent_satisfaction_rates(supervisor, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    assert {k: (v.responses, v.satisfied, v.csat) for k, v in rates.items()} == {
        agent.pk: (3, 2, Decimal("66.7")),
        supervisor.pk: (6, 1, Decimal("16.7")),
    }


def test_csat_by_month_uses_the_local_answer_date(answered, supervisor):
    answered(5, day=30)
    answered(
        1,
        day=30,
    )
    report = selectors.csat_report(
        supervisor, date_from=date(2026, 11, 1), date_to=date(2026, 12, 31), group_by="month"
    )
    assert [(r.label, r.responses, r.satisfied, r.csat) for r in report.rows] == [("2026-11", 2, 1, Decimal("50.0"))]


def test_csat_of_a_period_without_answers_is_empty_not_zero(supervisor):
    report = selectors.csat_report(supervisor, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    assert report.rows == [] and report.total.csat is None


def test_csat_needs_view_satisfaction(agent):
    with pytest.raises(ServiceError) as err:
        selectors.csat_report(agent, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    assert err.value.status == 403


def test_csat_of_another_site_is_not_found(answered, supervisor, other_site):
    answered(5)
    with pytest.raises(ServiceError) as err:
        selectors.csat_report(
            supervisor, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), site_id=other_site.id
        )
    assert err.value.status == 404


def test_other_sites_answers_are_not_counted(answered, outsider):
    from conftest import make_user
    from kefu.accounts.models import Role

    answered(5)
    lead = make_user(Role.SUPERVISOR, sites=outsider.sites.all())
    report = selectors.csat_report(lead, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    assert report.total.responses == 0
