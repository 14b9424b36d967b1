"""Campaigns send the questionnaire to a segment: tier, tag, key customers, had an order of type X in a period."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.customers.services import create_customer, set_key_customer
from kefu.surveys import sending, services
from kefu.surveys.models import Survey, SurveyCampaign
from kefu.tickets.models import WorkOrder
from kefu.tickets.services import create_work_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(site, agent, supervisor, other_site):
    a = create_customer(actor=agent, site_id=site.id, name="甲", phones=["13800000001"], tier="A", tags=["会员"])
    b = create_customer(actor=agent, site_id=site.id, name="乙", phones=["13800000002"], tier="A")
    c = create_customer(actor=agent, site_id=site.id, name="丙", phones=["13800000003"], tier="C", tags=["会员"])
    set_key_customer(c, actor=supervisor, flagged=True, reason="多次投诉")
    for who, kind, day in ((a, "repair", 5), (b, "complaint", 5), (c, "repair", 20)):
        order = create_work_order(
            actor=agent, site_id=site.id, type=kind, channel="phone", subject="测试", customer_id=who.id
        )
        WorkOrder.objects.filter(pk=order.pk).update(
            created_at=timezone.make_aware(datetime(2026, 11, day, 10), timezone.get_current_timezone())
        )
    return {"a": a, "b": b, "c": c}


def _segment(manager, site, template, **kw):
    campaign = services.create_campaign(actor=manager, site_id=site.id, name="季度调查", template_id=template.id, **kw)
    return {c.name for c in sending.segment_customers(campaign)}


def test_segment_by_tier(people, manager, site, template):
    assert _segment(manager, site, template, tier="A") == {"甲", "乙"}


def test_segment_by_tag(people, manager, site, template):
    tag_id = people["a"].tags.get().pk
    assert _segment(manager, site, template, tag_id=tag_id) == {"甲", "丙"}


def test_segment_key_customers(people, manager, site, template):
    assert _segment(manager, site, template, key_customers_only=True) == {"丙"}


def test_segment_by_order_type_in_period(people, manager, site, template):
    kw = dict(order_type="repair", order_from=date(2026, 11, 1), order_to=date(2026, 11, 10))
    assert _segment(manager, site, template, **kw) == {"甲"}
    assert _segment(manager, site, template, order_type="repair") == {"甲", "丙"}


def test_segment_conditions_combine(people, manager, site, template):
    assert _segment(manager, site, template, tier="A", order_type="complaint") == {"乙"}


def test_run_sends_once_per_round_and_repeats_after_the_period(people, manager, site, template):
    campaign = services.create_campaign(
        actor=manager, site_id=site.id, name="月度调查", template_id=template.id, tier="A", repeat_days=30
    )
    now = timezone.now()
    assert sending.run_campaign(campaign, actor=manager, now=now) == 2
    campaign.refresh_from_db()
    assert campaign.next_run_at == now + timedelta(days=30)
    assert sending.run_campaign(campaign, actor=manager, now=now + timedelta(days=1)) == 0
    assert sending.run_due_campaigns(now=now + timedelta(days=30)) == 0  # next run moved to day 31
    assert sending.run_due_campaigns(now=now + timedelta(days=31)) == 2
    assert Survey.objects.filter(campaign=campaign).count() == 4


def test_bad_period_is_refused_and_nothing_written(people, manager, site, template):
    with pytest.raises(ServiceError) as err:
        services.create_campaign(
            actor=manager,
            site_id=site.id,
            name="x",
            template_id=template.id,
            order_from=date(2026, 11, 10),
            order_to=date(2026, 11, 1),
        )
    assert err.value.code == "bad_period" and not SurveyCampaign.objects.exists()


def test_tag_of_another_site_is_refused(people, manager, site, template, other_site, outsider):
    foreign = create_customer(actor=outsider, site_id=other_site.id, name="外", phones=["13800000009"], tags=["外部"])
    with pytest.raises(ServiceError):
        services.create_campaign(
            actor=manager, site_id=site.id, name="x", template_id=template.id, tag_id=foreign.tags.get().pk
        )
    assert not SurveyCampaign.objects.exists()


def test_agent_may_not_run_campaigns(people, manager, agent, site, template):
    campaign = services.create_campaign(actor=manager, site_id=site.id, name="x", template_id=template.id)
    with pytest.raises(ServiceError) as err:
        sending.run_campaign(campaign, actor=agent)
    assert err.value.status == 403 and not Survey.objects.exists()


def test_segment_period_is_the_sites_local_days(people, manager, site, template):
    """A Berlin site: an order at 23:30 on Nov 10 there is Nov 11 in Shanghai, yet still inside "to Nov 10"."""
    from zoneinfo import ZoneInfo

    site.time_zone = "Europe/Berlin"
    site.save(update_fields=["time_zone"])
    late = datetime(2026, 11, 10, 23, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    WorkOrder.objects.filter(customer=people["c"]).update(created_at=late)
    kw = dict(order_type="repair", order_from=date(2026, 11, 1), order_to=date(2026, 11, 10))
    assert _segment(manager, site, template, **kw) == {"甲", "丙"}
    kw = dict(order_type="repair", order_from=date(2026, 11, 11), order_to=date(2026, 11, 30))
    assert _segment(manager, site, template, **kw) == set()


def test_a_questionnaire_of_another_site_is_refused_by_name(manager, site, other_site, template):
    # Sites often hold same-named questionnaires: the refusal says which mistake, and each option names its site.
    from kefu.accounts.models import User
    from kefu.accounts.selectors import sites_for
    from kefu.customers.models import CustomerTag
    from kefu.surveys.forms import CampaignForm
    from kefu.surveys.selectors import templates_for
    from kefu.surveys.tests.conftest import QUESTIONS

    User.objects.get(pk=manager.pk).sites.add(other_site)
    twin = services.create_template(actor=manager, site_id=other_site.id, name=template.name, questions=QUESTIONS)
    with pytest.raises(ServiceError) as err:
        services.create_campaign(actor=manager, site_id=site.id, name="季度调查", template_id=twin.id)
    assert err.value.code == "template_other_site" and "template" in err.value.fields
    assert not SurveyCampaign.objects.exists()
    form = CampaignForm(sites=sites_for(manager), templates=templates_for(manager), tags=CustomerTag.objects.none())
    labels = [label for _value, label in form.fields["template"].choices]
    assert labels == [f"{template.name}（{site.name}）", f"{template.name}（{other_site.name}）"]
