"""The churn signal counts follow-up visits: 不满意 is a dissatisfaction, a reached visit is a contact (an
unanswered call is not), and visit scores join survey scores in the decline (registered through core.extensions)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.surveys import selectors as surveys

from .. import services
from .conftest import open_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def t0():
    # After the orders below are opened, so their own timeline entries come before any visit.
    return timezone.now() + timedelta(hours=1)


def _reached(order, agent, when, satisfaction="satisfied", score=5):
    return services.record_attempt(
        open_visit(order), actor=agent, reached=True, satisfaction=satisfaction, score=score, now=when
    )


def _dissatisfied_visit(closed_order, agent, when):
    return _reached(closed_order(), agent, when, satisfaction="dissatisfied", score=2)


def test_a_dissatisfied_visit_raises_the_churn_signal(closed_order, agent, customer, t0):
    _dissatisfied_visit(closed_order, agent, t0)
    signal = surveys.churn_signal_for(customer, agent, now=t0 + timedelta(days=31))
    assert signal is not None and signal.reason == "silent_after_dissatisfaction"
    assert signal.since == t0 and signal.scores == (2,)


def test_a_dissatisfied_visit_does_not_signal_before_the_quiet_period_ends(closed_order, agent, customer, t0):
    _dissatisfied_visit(closed_order, agent, t0)
    assert surveys.churn_signal_for(customer, agent, now=t0 + timedelta(days=29)) is None


def test_a_reached_visit_after_dissatisfaction_is_a_contact(closed_order, agent, customer, t0):
    second = closed_order()
    _dissatisfied_visit(closed_order, agent, t0)
    _reached(second, agent, t0 + timedelta(days=5), satisfaction="basically", score=3)
    assert surveys.churn_signal_for(customer, agent, now=t0 + timedelta(days=40)) is None


def test_an_unreachable_attempt_is_not_a_contact(closed_order, agent, customer, t0):
    second = closed_order()
    _dissatisfied_visit(closed_order, agent, t0)
    for i in range(3):  # the rule's three attempts: the visit ends unreachable and still nobody spoke to them
        services.record_attempt(open_visit(second), actor=agent, reached=False, now=t0 + timedelta(days=5, hours=i * 4))
    signal = surveys.churn_signal_for(customer, agent, now=t0 + timedelta(days=31))
    assert signal is not None and signal.reason == "silent_after_dissatisfaction" and signal.since == t0


def test_a_satisfied_visit_is_no_churn_signal(closed_order, agent, customer, t0):
    _reached(closed_order(), agent, t0, score=4)
    assert surveys.churn_signal_for(customer, agent, now=t0 + timedelta(days=90)) is None


def test_declining_visit_scores_raise_the_signal(closed_order, agent, customer, t0):
    orders = [closed_order() for _ in range(3)]
    for i, (order, score) in enumerate(zip(orders, (5, 4, 3), strict=True)):
        _reached(
            order, agent, t0 + timedelta(days=i), satisfaction="basically" if score < 5 else "satisfied", score=score
        )
    signal = surveys.churn_signal_for(customer, agent, now=t0 + timedelta(days=3))
    assert signal is not None and signal.reason == "declining_scores"
    assert signal.scores == (5, 4, 3) and signal.since == t0


def test_visit_scores_that_recover_raise_no_signal(closed_order, agent, customer, t0):
    orders = [closed_order() for _ in range(3)]
    for i, (order, score) in enumerate(zip(orders, (5, 3, 4), strict=True)):
        _reached(order, agent, t0 + timedelta(days=i), satisfaction="basically", score=score)
    assert surveys.churn_signal_for(customer, agent, now=t0 + timedelta(days=3)) is None


def test_visits_of_another_site_are_not_read(closed_order, agent, customer, outsider, t0):
    _dissatisfied_visit(closed_order, agent, t0)
    assert surveys.churn_signal_for(customer, outsider, now=t0 + timedelta(days=31)) is None


def test_survey_and_visit_scores_decline_together(closed_order, agent, manager, site, customer, t0):
    from kefu.surveys import answers, links, sending
    from kefu.surveys import services as survey_services
    from kefu.surveys.tests.conftest import QUESTIONS, answer_values

    template = survey_services.create_template(actor=manager, site_id=site.id, name="满意度", questions=QUESTIONS)
    survey = sending.create_survey(actor=agent, customer=customer, template=template, link_valid_days=10, now=t0)
    answers.submit_answers(links.token_for(survey.key), answers=answer_values(survey, score="5"), now=t0)
    first, second = closed_order(), closed_order()
    _reached(first, agent, t0 + timedelta(days=1), satisfaction="basically", score=4)
    _reached(second, agent, t0 + timedelta(days=2), satisfaction="basically", score=3)
    signal = surveys.churn_signal_for(customer, agent, now=t0 + timedelta(days=3))
    assert signal is not None and signal.reason == "declining_scores" and signal.scores == (5, 4, 3)
