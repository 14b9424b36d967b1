"""Reads of the surveys app, scoped to the actor's sites: lists, CSAT, the per-agent rate, the churn signal.

CSAT (customer satisfaction score) = answered surveys whose satisfaction question scored 4 or 5, divided by
all answered surveys with a satisfaction score, in percent (one decimal). Surveys still waiting, expired or
answered without that question do not count at all. The period is the date the customer answered, in the
survey's site's own time zone (a month likewise).
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kefu.accounts.models import Site, User
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import site_ids_for
from kefu.core import extensions
from kefu.core.errors import CoreError, ServiceError, not_found
from kefu.core.prepared import PreparedRead
from kefu.tickets.models import Channel, WorkOrderType

from .models import ClosureSurveyRule, Survey, SurveyCampaign, SurveyStatus, SurveyTemplate

SATISFIED_MIN = 4
GROUPS = ("site", "type", "channel", "agent", "month")
# Churn signal: a dissatisfied answer (survey score ≤ 2, or a visit recorded 不满意) followed by this many days
# without any contact, or the last three satisfaction scores (surveys and visits) each lower than the one before.
DISSATISFIED_MAX = 2
CHURN_QUIET_DAYS = 30
DECLINE_RUN = 3
CHURN_LOOKBACK = 20


def _require(actor, *capabilities: Capability) -> None:
    if not any(has_capability(actor, c) for c in capabilities):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def templates_for(actor) -> QuerySet[SurveyTemplate]:
    return SurveyTemplate.objects.filter(site_id__in=site_ids_for(actor)).select_related("site")


def get_template_for(actor, template_id) -> SurveyTemplate:
    try:
        return templates_for(actor).prefetch_related("questions").get(pk=int(template_id))
    except (SurveyTemplate.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


def campaigns_for(actor) -> QuerySet[SurveyCampaign]:
    return SurveyCampaign.objects.filter(site_id__in=site_ids_for(actor)).select_related("site", "template", "tag")


def get_campaign_for(actor, campaign_id) -> SurveyCampaign:
    try:
        return campaigns_for(actor).get(pk=int(campaign_id))
    except (SurveyCampaign.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


def closure_rules_for(actor) -> QuerySet[ClosureSurveyRule]:
    return ClosureSurveyRule.objects.filter(site_id__in=site_ids_for(actor)).select_related("site", "template")


def surveys_for(actor) -> QuerySet[Survey]:
    """Sent surveys of the actor's sites, for the desk (to send the link) and for the leads (to read answers)."""
    _require(actor, Capability.PERFORM_FOLLOW_UP, Capability.MANAGE_SURVEYS, Capability.VIEW_SATISFACTION)
    return Survey.objects.filter(site_id__in=site_ids_for(actor)).select_related(
        "site", "template", "customer", "work_order", "agent", "campaign"
    )


def get_survey_for(actor, survey_id) -> Survey:
    try:
        return surveys_for(actor).get(pk=int(survey_id))
    except (Survey.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


def answers_of(survey: Survey) -> list:
    return list(survey.answers.select_related("question").order_by("question__position"))


_SURVEY_OF_ORDER = PreparedRead(
    lambda order_id, site_id: Survey.objects.filter(work_order_id=order_id, site_id=site_id).order_by("-id")[:1]
)


def survey_for_order(actor, order) -> Survey | None:
    if not has_capability(actor, Capability.PERFORM_FOLLOW_UP) and not has_capability(
        actor, Capability.VIEW_SATISFACTION
    ):
        return None
    if order.site_id not in site_ids_for(actor):
        return None
    return next(iter(_SURVEY_OF_ORDER(order.pk, order.site_id)), None)


# --- CSAT ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsatRow:
    key: object
    label: str
    responses: int
    satisfied: int

    @property
    def csat(self) -> Decimal | None:
        """Percent with one decimal, half up; None when there is no response to divide by."""
        if not self.responses:
            return None
        return (Decimal(self.satisfied) * 100 / Decimal(self.responses)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class CsatReport:
    date_from: date
    date_to: date
    group_by: str
    rows: list[CsatRow]
    total: CsatRow


def _day_start(day: date, tz) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), tz)


def _zones(actor, site_id=None) -> dict[str, list[int]]:
    """The actor's sites (or the one asked for) by time zone: a period's days are each site's local days."""
    sites = site_ids_for(actor)
    if site_id:
        if int(site_id) not in sites:
            raise not_found()
        sites = [int(site_id)]
    zones: dict[str, list[int]] = defaultdict(list)
    for sid, zone in Site.objects.filter(id__in=sites).values_list("id", "time_zone"):
        zones[zone].append(sid)
    return zones


def _answered_in(zone: str, site_ids, date_from: date, date_to: date) -> Q:
    tz = zoneinfo.ZoneInfo(zone)
    return Q(
        site_id__in=site_ids,
        answered_at__gte=_day_start(date_from, tz),
        answered_at__lt=_day_start(date_to + timedelta(days=1), tz),
    )


def _scored() -> QuerySet[Survey]:
    return Survey.objects.filter(status=SurveyStatus.ANSWERED, satisfaction__isnull=False)


_GROUP_FIELD = {"site": "site_id", "type": "order_type", "channel": "channel", "agent": "agent_id"}


def _labels(group_by: str, keys) -> dict:
    if group_by == "site":
        return dict(Site.objects.filter(id__in=keys).values_list("id", "name"))
    if group_by == "agent":
        return {u.id: u.name for u in User.objects.filter(id__in=[k for k in keys if k])}
    if group_by == "type":
        return {**dict(WorkOrderType.choices), "": "—"}
    if group_by == "channel":
        return {**dict(Channel.choices), "": "—"}
    return {}


def csat_report(actor, *, date_from: date, date_to: date, group_by: str = "site", site_id=None) -> CsatReport:
    """CSAT of the period (local dates, both included), grouped by site, type, channel, agent or month."""
    _require(actor, Capability.VIEW_SATISFACTION)
    if group_by not in GROUPS:
        raise ServiceError(CoreError.INVALID_INPUT, fields={"group_by": [str(CoreError.INVALID_INPUT.message)]})
    if date_from > date_to:
        raise ServiceError(CoreError.INVALID_INPUT, fields={"date_to": [str(CoreError.INVALID_INPUT.message)]})
    zones = _zones(actor, site_id)
    satisfied = Count("id", filter=Q(satisfaction__gte=SATISFIED_MIN))
    if group_by == "month":
        # One query per time zone: a month is also the site's local month.
        months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for zone, ids in zones.items():
            tz = zoneinfo.ZoneInfo(zone)
            for g in (
                _scored()
                .filter(_answered_in(zone, ids, date_from, date_to))
                .annotate(group=TruncMonth("answered_at", tzinfo=tz))
                .values("group")
                .annotate(responses=Count("id"), satisfied=satisfied)
                .order_by()
            ):
                key = (
                    timezone.localtime(g["group"], tz).strftime("%Y-%m")
                    if isinstance(g["group"], datetime)
                    else str(g["group"])[:7]
                )
                months[key][0] += g["responses"]
                months[key][1] += g["satisfied"]
        grouped = [{"group": k, "responses": r, "satisfied": n} for k, (r, n) in sorted(months.items())]
    else:
        period = Q(pk__in=[])
        for zone, ids in zones.items():
            period |= _answered_in(zone, ids, date_from, date_to)
        grouped = list(
            _scored()
            .filter(period)
            .values(group=F(_GROUP_FIELD[group_by]))
            .annotate(responses=Count("id"), satisfied=satisfied)
            .order_by("group")
        )
    labels = _labels(group_by, [g["group"] for g in grouped])
    rows = []
    for g in grouped:
        key = g["group"]
        if group_by == "month":
            label = key
        else:
            label = str(labels.get(key, "—" if key in (None, "") else key))
        rows.append(CsatRow(key, label, g["responses"], g["satisfied"]))
    total = CsatRow(None, "", sum(r.responses for r in rows), sum(r.satisfied for r in rows))
    return CsatReport(date_from, date_to, group_by, rows, total)


def agent_satisfaction_rates(actor, *, date_from: date, date_to: date, site_id=None) -> dict[int, CsatRow]:
    """The satisfaction rate per agent for the appraisal (APR-03): {agent id: CsatRow}, same definition as CSAT."""
    report = csat_report(actor, date_from=date_from, date_to=date_to, group_by="agent", site_id=site_id)
    return {row.key: row for row in report.rows if row.key}


# --- churn signal -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChurnSignal:
    reason: str  # "silent_after_dissatisfaction" | "declining_scores"
    since: datetime
    scores: tuple[int, ...] = ()


def _survey_points(customer, limit: int) -> list[extensions.SatisfactionPoint]:
    rows = (
        Survey.objects.filter(customer=customer, status=SurveyStatus.ANSWERED, satisfaction__isnull=False)
        .order_by("-answered_at", "-id")
        .values_list("answered_at", "satisfaction")[:limit]
    )
    # An answered questionnaire is the customer's word, not someone contacting them.
    return [
        extensions.SatisfactionPoint(at, "survey", contact=False, score=score, dissatisfied=score <= DISSATISFIED_MAX)
        for at, score in rows
    ]


def churn_signal_for(customer, actor, *, now=None, quiet_days: int = CHURN_QUIET_DAYS) -> ChurnSignal | None:
    """Computed on read, never stored: the signal disappears by itself as soon as someone contacts the customer.

    Survey answers and follow-up visits (and any other registered satisfaction source) count alike: the latest
    judgement decides dissatisfaction, a reached visit or any other timeline contact ends the silence, and the
    last three scores of either kind make the decline."""
    now = now or timezone.now()
    points = _survey_points(customer, CHURN_LOOKBACK) + extensions.satisfaction_points(
        customer, actor, limit=CHURN_LOOKBACK
    )
    points.sort(key=lambda p: p.at, reverse=True)
    judged = [p for p in points if p.dissatisfied or p.score is not None]
    if not judged:
        return None
    last = judged[0]
    if last.dissatisfied and now - last.at >= timedelta(days=quiet_days):
        judged_kinds = extensions.satisfaction_kinds() | {"survey"}
        contacted = any(p.at > last.at and p.contact for p in points) or any(
            e.at > last.at and e.kind not in judged_kinds
            for e in extensions.customer_timeline(customer, actor, limit=20)
        )
        if not contacted:
            return ChurnSignal("silent_after_dissatisfaction", last.at, (last.score,) if last.score else ())
    scored = [p for p in points if p.score is not None][:DECLINE_RUN]
    if len(scored) == DECLINE_RUN:
        scores = tuple(p.score for p in reversed(scored))
        if all(a > b for a, b in zip(scores, scores[1:], strict=False)):
            return ChurnSignal("declining_scores", scored[-1].at, scores)
    return None
