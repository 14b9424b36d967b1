"""CSAT = share of answered surveys whose satisfaction question scored 4–5, in percent with one decimal."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

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


def test_csat_by_site_keeps_each_sites_answers_apart(answered, site, other_site, agent, manager):
    from conftest import make_user
    from kefu.accounts.models import Role
    from kefu.customers.services import create_customer
    from kefu.surveys import services

    from .conftest import QUESTIONS

    for score in (5, 1):
        answered(score)
    head = make_user(Role.MANAGER, sites=[site, other_site])
    there = make_user(Role.AGENT, sites=[other_site])
    other_template = services.create_template(actor=head, site_id=other_site.id, name="满意度", questions=QUESTIONS)
    other_customer = create_customer(actor=there, site_id=other_site.id, name="李娜", phones=["13900001111"])
    for score in (5, 4, 4, 2):
        order = create_work_order(
            actor=there,
            site_id=other_site.id,
            type="repair",
            channel="phone",
            subject="测试",
            customer_id=other_customer.id,
        )
        survey = sending.create_survey(
            actor=there, customer=other_customer, template=other_template, link_valid_days=30, work_order=order,
            agent=there, now=at(10, 8),
        )  # fmt: skip
        answers.submit_answers(links.token_for(survey.key), answers=answer_values(survey, score=str(score)), now=at(10))
    report = selectors.csat_report(head, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), group_by="site")
    assert {r.label: (r.responses, r.satisfied, r.csat) for r in report.rows} == {
        site.name: (2, 1, Decimal("50.0")),
        other_site.name: (4, 3, Decimal("75.0")),
    }
    assert (report.total.responses, report.total.satisfied, report.total.csat) == (6, 4, Decimal("66.7"))
    one = selectors.csat_report(head, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), site_id=other_site.id)
    assert one.total.csat == Decimal("75.0")


def test_csat_period_is_the_local_day_at_both_ends_of_a_month(site, agent, supervisor, customer, template):
    """Shanghai time: 23:30 on Nov 30 is November, 00:30 on Dec 1 is December, though both are Nov 30 in UTC."""

    def answer(score, when):
        survey = sending.create_survey(
            actor=agent, customer=customer, template=template, link_valid_days=30, agent=agent, now=when
        )
        answers.submit_answers(links.token_for(survey.key), answers=answer_values(survey, score=str(score)), now=when)

    answer(5, timezone.make_aware(datetime(2026, 11, 30, 23, 30), TZ))
    answer(1, timezone.make_aware(datetime(2026, 12, 1, 0, 30), TZ))
    answer(4, timezone.make_aware(datetime(2026, 12, 1, 12, 0), TZ))
    by_month = selectors.csat_report(
        supervisor, date_from=date(2026, 11, 1), date_to=date(2026, 12, 31), group_by="month"
    )
    assert [(r.label, r.responses, r.satisfied, r.csat) for r in by_month.rows] == [
        ("2026-11", 1, 1, Decimal("100.0")),
        ("2026-12", 2, 1, Decimal("50.0")),
    ]
    november = selectors.csat_report(supervisor, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    assert (november.total.responses, november.total.csat) == (1, Decimal("100.0"))


def test_satisfaction_rate_per_agent_is_the_csat_of_the_surveys_they_are_named_on(answered, supervisor, agent):
    """The selector the appraisal reads (FU-06/APR): per agent, satisfied / responses; unanswered ones do not count."""
    for score in (5, 4, 3, 2):
        answered(score, who=agent)
    answered(None, who=agent)
    answered(5, who=supervisor)
    rates = selectors.agent_satisfaction_rates(supervisor, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    assert {k: (v.responses, v.satisfied, v.csat) for k, v in rates.items()} == {
        agent.pk: (4, 2, Decimal("50.0")),
        supervisor.pk: (1, 1, Decimal("100.0")),
    }


def test_csat_period_is_each_sites_own_local_day(site, other_site, agent, customer, template):
    """A Berlin site's 23:30 on Nov 30 is November there, though it is already Dec 1 in Shanghai (the server's);
    its 00:30 on Dec 1 is December. The Shanghai site keeps its own day in the same report."""
    from conftest import make_user
    from kefu.accounts.models import Role
    from kefu.customers.services import create_customer
    from kefu.surveys import services

    from .conftest import QUESTIONS

    other_site.time_zone = "Europe/Berlin"
    other_site.save(update_fields=["time_zone"])
    berlin = ZoneInfo("Europe/Berlin")
    head = make_user(Role.MANAGER, sites=[site, other_site])
    there = make_user(Role.AGENT, sites=[other_site])
    other_template = services.create_template(actor=head, site_id=other_site.id, name="满意度", questions=QUESTIONS)
    other_customer = create_customer(actor=there, site_id=other_site.id, name="李娜", phones=["13900001111"])

    def answer(who, whom, tmpl, score, when):
        survey = sending.create_survey(actor=who, customer=whom, template=tmpl, link_valid_days=30, agent=who, now=when)
        answers.submit_answers(links.token_for(survey.key), answers=answer_values(survey, score=str(score)), now=when)

    answer(there, other_customer, other_template, 5, datetime(2026, 11, 30, 23, 30, tzinfo=berlin))
    answer(there, other_customer, other_template, 1, datetime(2026, 12, 1, 0, 30, tzinfo=berlin))
    answer(agent, customer, template, 2, timezone.make_aware(datetime(2026, 11, 30, 23, 30), TZ))
    november = selectors.csat_report(head, date_from=date(2026, 11, 30), date_to=date(2026, 11, 30), group_by="site")
    assert {r.label: (r.responses, r.satisfied) for r in november.rows} == {site.name: (1, 0), other_site.name: (1, 1)}
    december = selectors.csat_report(
        head, date_from=date(2026, 12, 1), date_to=date(2026, 12, 1), site_id=other_site.id
    )
    assert (december.total.responses, december.total.satisfied) == (1, 0)
    by_month = selectors.csat_report(head, date_from=date(2026, 11, 1), date_to=date(2026, 12, 31), group_by="month")
    assert [(r.label, r.responses, r.satisfied) for r in by_month.rows] == [("2026-11", 2, 1), ("2026-12", 1, 0)]
