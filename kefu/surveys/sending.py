"""Sending surveys: after a work order is closed (per-type rule) and by campaigns to a customer segment.

A sent survey is a row with a one-time link. The agent sends the link by SMS or WeChat (outside Kefu); when the
customer has an e-mail address, Kefu mails it after the transaction commits.
"""

from __future__ import annotations

import logging
import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import site_ids_for
from kefu.accounts.services import get_system_actor
from kefu.core.errors import CoreError, ServiceError, not_found
from kefu.customers.models import Customer
from kefu.tickets.models import WorkOrder

from . import links
from .errors import SurveyError
from .models import ClosureSurveyRule, Survey, SurveyCampaign, SurveyEvent

log = logging.getLogger(__name__)


def _send_mail(address: str, site_name: str, link: str, days: int) -> None:
    with translation.override("zh-hans"):
        subject = _("%(site)s · satisfaction survey") % {"site": site_name}
        body = _(
            "Hello,\n\nthank you for contacting %(site)s. Please take a minute to tell us how we did:\n\n%(link)s\n\n"
            "The link works once and for %(days)s days."
        ) % {"site": site_name, "link": link, "days": days}
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:  # a mail outage must not undo the survey that is already recorded
        log.exception("survey mail to customer failed")


def create_survey(
    *,
    actor,
    customer: Customer,
    template,
    link_valid_days: int,
    work_order: WorkOrder | None = None,
    campaign: SurveyCampaign | None = None,
    agent=None,
    now=None,
    email: bool = True,
) -> Survey:
    """Record one survey for one customer (callers hold the transaction); e-mail it after commit if possible."""
    now = now or timezone.now()
    survey = Survey.objects.create(
        site_id=customer.site_id,
        template=template,
        customer=customer,
        work_order=work_order,
        campaign=campaign,
        key=links.new_key(),
        order_type=work_order.type if work_order else "",
        channel=work_order.channel if work_order else "",
        agent=agent,
        email=(customer.email or "") if email else "",
        created_at=now,
        expires_at=now + timedelta(days=link_valid_days),
    )
    SurveyEvent.objects.create(
        actor=actor,
        event_type="survey_sent",
        survey=survey,
        template=template,
        campaign=campaign,
        new={
            "customer": customer.pk,
            "work_order": work_order.pk if work_order else None,
            "expires_at": survey.expires_at,
            "emailed": bool(survey.email),
        },
    )
    if survey.email:
        link, site_name = links.link_for(survey), customer.site.name
        transaction.on_commit(lambda: _send_mail(survey.email, site_name, link, link_valid_days))
    return survey


def on_work_order_closed(*, work_order: WorkOrder, actor, **_payload) -> Survey | None:
    """Hook receiver (WORK_ORDER_CLOSED), inside the closing transaction: send the type's survey if configured."""
    if work_order.customer_id is None:
        return None
    rule = (
        ClosureSurveyRule.objects.select_related("template")
        .filter(site_id=work_order.site_id, work_order_type=work_order.type, enabled=True, template__is_active=True)
        .first()
    )
    if rule is None or Survey.objects.filter(work_order=work_order).exists():
        return None
    # Whose service is rated: the order's assignee, else the agent who closed it.
    agent = work_order.assignee if work_order.assignee_id else (None if actor.is_system else actor)
    return create_survey(
        actor=actor,
        customer=Customer.objects.select_related("site").get(pk=work_order.customer_id),
        template=rule.template,
        link_valid_days=rule.link_valid_days,
        work_order=work_order,
        agent=agent,
    )


def _local_day_start(day, tz) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), tz)


def segment_customers(campaign: SurveyCampaign):
    """The campaign's segment: customers of its site matching every condition that is set."""
    qs = Customer.objects.filter(site_id=campaign.site_id)
    if campaign.tier:
        qs = qs.filter(tier=campaign.tier)
    if campaign.tag_id:
        qs = qs.filter(tags=campaign.tag_id)
    if campaign.key_customers_only:
        qs = qs.filter(is_key_customer=True)
    if campaign.order_type or campaign.order_from or campaign.order_to:
        orders = WorkOrder.objects.filter(site_id=campaign.site_id, customer_id__isnull=False)
        if campaign.order_type:
            orders = orders.filter(type=campaign.order_type)
        tz = zoneinfo.ZoneInfo(campaign.site.time_zone)  # the order dates are the site's local days
        if campaign.order_from:
            orders = orders.filter(created_at__gte=_local_day_start(campaign.order_from, tz))
        if campaign.order_to:
            orders = orders.filter(created_at__lt=_local_day_start(campaign.order_to + timedelta(days=1), tz))
        qs = qs.filter(id__in=orders.values("customer_id"))
    return qs.select_related("site").order_by("id")


@transaction.atomic
def run_campaign(campaign: SurveyCampaign, *, actor, now=None) -> int:
    """Send the survey to every segment customer not already asked in this round; returns how many were sent."""
    if not has_capability(actor, Capability.MANAGE_SURVEYS):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    if campaign.site_id not in site_ids_for(actor):
        raise not_found()
    now = now or timezone.now()
    campaign = SurveyCampaign.objects.select_for_update().select_related("template").get(pk=campaign.pk)
    if not campaign.is_active:
        raise ServiceError(SurveyError.CAMPAIGN_INACTIVE)
    if not campaign.template.is_active:
        raise ServiceError(SurveyError.TEMPLATE_INACTIVE)
    asked = Survey.objects.filter(campaign=campaign)
    if campaign.repeat_days:
        # A round is repeat_days long: whoever was asked within it is not asked again.
        asked = asked.filter(created_at__gt=now - timedelta(days=campaign.repeat_days))
    skip = set(asked.values_list("customer_id", flat=True))
    sent = 0
    for customer in segment_customers(campaign).iterator(chunk_size=500):
        if customer.pk in skip:
            continue
        create_survey(
            actor=actor,
            customer=customer,
            template=campaign.template,
            link_valid_days=campaign.link_valid_days,
            campaign=campaign,
            now=now,
        )
        sent += 1
    campaign.last_run_at = now
    campaign.next_run_at = now + timedelta(days=campaign.repeat_days) if campaign.repeat_days else None
    campaign.save(update_fields=["last_run_at", "next_run_at"])
    SurveyEvent.objects.create(actor=actor, event_type="campaign_run", campaign=campaign, new={"sent": sent})
    return sent


def run_due_campaigns(now=None) -> int:
    """Scheduled job: run each active campaign whose next run is due (idempotent: a run moves next_run_at on)."""
    now = now or timezone.now()
    system = get_system_actor()
    total = 0
    due = SurveyCampaign.objects.filter(is_active=True, next_run_at__lte=now).values_list("id", flat=True)
    for campaign_id in list(due):
        try:
            total += run_campaign(SurveyCampaign.objects.get(pk=campaign_id), actor=system, now=now)
        except ServiceError:
            log.warning("survey campaign %s not run", campaign_id)
    return total
