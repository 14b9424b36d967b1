"""Closing a work order sends the survey its type is configured for (on/off, which questionnaire)."""

from __future__ import annotations

import pytest
from django.core import mail

from kefu.customers.services import update_customer
from kefu.surveys import services
from kefu.surveys.models import Survey, SurveyEvent
from kefu.tickets import services as tickets

pytestmark = pytest.mark.django_db


def test_closing_an_order_of_a_configured_type_sends_its_survey(repair_rule, close_order, template, agent):
    order = close_order(type="repair")
    survey = Survey.objects.get()
    assert (survey.work_order_id, survey.template_id, survey.customer_id) == (order.pk, template.pk, order.customer_id)
    assert (survey.order_type, survey.channel, survey.agent_id) == ("repair", "phone", agent.pk)
    assert survey.status == "pending" and (survey.expires_at - survey.created_at).days == repair_rule.link_valid_days
    assert list(SurveyEvent.objects.filter(survey=survey).values_list("event_type", flat=True)) == ["survey_sent"]


def test_type_without_rule_sends_nothing(repair_rule, close_order):
    close_order(type="other")
    assert not Survey.objects.exists()


def test_switched_off_rule_sends_nothing(repair_rule, close_order, manager, site, template):
    services.set_closure_rule(
        actor=manager, site_id=site.id, work_order_type="repair", template_id=template.id, enabled=False
    )
    close_order(type="repair")
    assert not Survey.objects.exists()


def test_reclosing_a_reopened_order_sends_no_second_survey(repair_rule, close_order, agent):
    order = close_order()
    order = tickets.reopen_work_order(order, actor=agent, reason="客户反映未修好")
    order = tickets.start_work_order(order, actor=agent)
    order = tickets.resolve_work_order(order, actor=agent, resolution="再次维修")
    tickets.close_work_order(order, actor=agent, customer_response="已告知")
    assert Survey.objects.count() == 1


def test_survey_is_emailed_after_commit_when_the_customer_has_email(
    repair_rule, close_order, customer, agent, django_capture_on_commit_callbacks
):
    update_customer(customer, actor=agent, changes={"email": "zhang@example.com"})
    with django_capture_on_commit_callbacks(execute=True):
        close_order()
    survey = Survey.objects.get()
    assert survey.email == "zhang@example.com"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhang@example.com"]
    assert f"/surveys/s/{survey.key}:" in mail.outbox[0].body and "满意度调查" in mail.outbox[0].subject


def test_no_email_without_an_address(repair_rule, close_order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        close_order()
    assert Survey.objects.get().email == "" and mail.outbox == []


def test_rule_change_is_evented_and_needs_manage_surveys(repair_rule, agent, site, template):
    from kefu.core.errors import ServiceError

    with pytest.raises(ServiceError) as err:
        services.set_closure_rule(
            actor=agent, site_id=site.id, work_order_type="repair", template_id=template.id, enabled=False
        )
    assert err.value.status == 403
    assert SurveyEvent.objects.filter(event_type="closure_rule_set").count() == 1
