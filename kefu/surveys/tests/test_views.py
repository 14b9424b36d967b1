"""Survey staff pages: who may open them, other site 404, and the panels on the order and customer pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from kefu.accounts.models import Role
from kefu.surveys import links
from kefu.surveys.models import Survey, SurveyTemplate

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "name", ["surveys:templates", "surveys:rules", "surveys:campaigns", "surveys:report", "surveys:home"]
)
def test_lead_pages_open_for_the_manager_and_refuse_the_agent(manager, agent, template, name):
    assert _client(manager).get(reverse(name)).status_code == 200
    assert _client(agent).get(reverse(name)).status_code == 403


def test_create_questionnaire_from_the_page(manager, site):
    data = {
        "site": site.id,
        "name": "门店问卷",
        "satisfaction": "1",
        "q0_kind": "scale",
        "q0_text": "总体满意度",
        "q0_required": "on",
        "q1_kind": "single",
        "q1_text": "是否解决",
        "q1_options": "是\n否",
        "q1_required": "on",
    }
    response = _client(manager).post(reverse("surveys:templates"), data)
    assert response.status_code == 302
    assert list(SurveyTemplate.objects.get().questions.values_list("kind", flat=True)) == ["scale", "single"]


def test_bad_questionnaire_page_shows_the_message_and_writes_nothing(manager, site):
    data = {"site": site.id, "name": "门店问卷", "satisfaction": "2", "q0_kind": "scale", "q0_text": "总体满意度"}
    response = _client(manager).post(reverse("surveys:templates"), data)
    assert response.status_code == 400 and "满意度题" in response.content.decode()
    assert not SurveyTemplate.objects.exists()


def test_order_page_shows_the_link_to_send(repair_rule, close_order, agent):
    order = close_order()
    survey = Survey.objects.get()
    body = _client(agent).get(reverse("tickets:detail", args=[order.pk])).content.decode()
    assert links.path_for(survey) in body


def test_survey_page_of_another_site_is_404(repair_rule, close_order, other_site):
    close_order()
    stranger = make_user(Role.SUPERVISOR, sites=[other_site])
    assert _client(stranger).get(reverse("surveys:survey", args=[Survey.objects.get().pk])).status_code == 404


def test_customer_page_shows_the_timeline(repair_rule, close_order, agent, customer):
    order = close_order()
    body = _client(agent).get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert order.number in body and "满意度调查" in body and 'data-kind="survey"' in body
