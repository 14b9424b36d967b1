"""The churn signal (computed on read) and the customer's contact timeline (every source, newest first)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kefu.core.extensions import customer_timeline
from kefu.surveys import answers, links, selectors, sending
from kefu.tickets.models import WorkOrder
from kefu.tickets.services import create_work_order

from .conftest import answer_values

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(datetime(2026, 10, 1, 10), timezone.get_current_timezone())


@pytest.fixture
def scored(customer, template, agent):
    def _make(score, when):
        survey = sending.create_survey(actor=agent, customer=customer, template=template, link_valid_days=10, now=when)
        answers.submit_answers(links.token_for(survey.key), answers=answer_values(survey, score=str(score)), now=when)
        return survey

    return _make


def _order_at(agent, site, customer, when, subject="咨询"):
    order = create_work_order(
        actor=agent, site_id=site.id, type="inquiry", channel="phone", subject=subject, customer_id=customer.id
    )
    WorkOrder.objects.filter(pk=order.pk).update(created_at=when)
    return order


def test_churn_signal_when_silent_after_dissatisfaction(scored, customer, agent):
    scored(2, T0)
    signal = selectors.churn_signal_for(customer, agent, now=T0 + timedelta(days=31))
    assert signal is not None and signal.reason == "silent_after_dissatisfaction" and signal.since == T0


def test_no_churn_signal_when_contacted_after_dissatisfaction(scored, customer, agent, site):
    scored(1, T0)
    _order_at(agent, site, customer, T0 + timedelta(days=3))
    assert selectors.churn_signal_for(customer, agent, now=T0 + timedelta(days=31)) is None


def test_no_churn_signal_before_the_quiet_period_ends(scored, customer, agent):
    scored(1, T0)
    assert selectors.churn_signal_for(customer, agent, now=T0 + timedelta(days=29)) is None


def test_churn_signal_on_declining_scores(scored, customer, agent):
    for i, score in enumerate((5, 4, 3)):
        scored(score, T0 + timedelta(days=i))
    signal = selectors.churn_signal_for(customer, agent, now=T0 + timedelta(days=3))
    assert signal is not None and signal.reason == "declining_scores" and signal.scores == (5, 4, 3)


def test_no_churn_signal_when_scores_recover(scored, customer, agent):
    for i, score in enumerate((5, 3, 4)):
        scored(score, T0 + timedelta(days=i))
    assert selectors.churn_signal_for(customer, agent, now=T0 + timedelta(days=40)) is None


def test_timeline_lists_orders_and_surveys_newest_first(scored, customer, agent, site):
    _order_at(agent, site, customer, T0, subject="第一次")
    scored(4, T0 + timedelta(days=1))
    _order_at(agent, site, customer, T0 + timedelta(days=2), subject="第二次")
    entries = customer_timeline(customer, agent)
    assert [e.kind for e in entries] == ["work_order", "survey", "work_order"]
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert "第二次" in entries[0].title and "4/5" in entries[1].detail


def test_timeline_hides_other_sites(scored, customer, outsider):
    scored(4, T0)
    assert customer_timeline(customer, outsider) == []
