"""Follow-up API under /api/v1/followups/: the to-do list, a visit and its attempts, reports, and the settings.

Thin by design: parse, call one selector or service, render; errors are {code, message, fields}.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from kefu.accounts.selectors import get_site_for
from kefu.core.api import KefuAPIView, error_responses
from kefu.core.errors import invalid

from . import plan_services, selectors, services
from .models import FOLLOW_UP_TYPES, PlanRole
from .serializers import (
    AttemptInputSerializer,
    FollowUpDetailSerializer,
    FollowUpSerializer,
    GenerateInputSerializer,
    PeriodQuerySerializer,
    RoleInputSerializer,
    RuleSerializer,
    SettingsSerializer,
    TierDefinitionSerializer,
)

TAGS = ["follow-up visits"]


def _detail(actor, pk) -> dict:
    return FollowUpDetailSerializer(selectors.get_follow_up_for(actor, pk)).data


class TodayView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: FollowUpSerializer(many=True), **error_responses(401)})
    def get(self, request):
        """今日回访: my open visits whose period has begun and whose next attempt is due."""
        return Response(FollowUpSerializer(selectors.todo_for(request.user)[:200], many=True).data)


class FollowUpDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: FollowUpDetailSerializer, **error_responses(401, 404)})
    def get(self, request, pk: int):
        return Response(_detail(request.user, pk))


class AttemptView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        request=AttemptInputSerializer,
        responses={201: FollowUpDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        """Record a call or visit: reached with the evaluation (satisfaction, 1–5 score, comments) or not reached."""
        visit = selectors.get_follow_up_for(request.user, pk)
        data = AttemptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_attempt(visit, actor=request.user, **data.validated_data)
        return Response(_detail(request.user, pk), status=status.HTTP_201_CREATED)


class OverdueView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: FollowUpSerializer(many=True), **error_responses(401, 403)})
    def get(self, request):
        """Overdue open visits of the actor's sites, oldest first per person (supervisors)."""
        return Response(FollowUpSerializer(selectors.overdue_for(request.user)[:500], many=True).data)


class RevisitRateView(KefuAPIView):
    @extend_schema(tags=TAGS, parameters=[PeriodQuerySerializer], responses={200: dict, **error_responses(400, 401)})
    def get(self, request):
        """回访率 per person: visits done / visits due in the period (by due date)."""
        q = PeriodQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        rows = selectors.revisit_rate(
            request.user, start=v["start"], end=v["end"], site_id=v.get("site"), assignee_id=v.get("assignee")
        )
        return Response({"start": v["start"], "end": v["end"], "results": rows})


class PlanCompletionView(KefuAPIView):
    @extend_schema(tags=TAGS, parameters=[PeriodQuerySerializer], responses={200: dict, **error_responses(400, 403)})
    def get(self, request):
        """Completion of tier plans per tier and role level."""
        q = PeriodQuerySerializer(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        rows = selectors.plan_completion(request.user, start=v["start"], end=v["end"], site_id=v.get("site"))
        return Response({"start": v["start"], "end": v["end"], "results": rows})


class RulesView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: RuleSerializer(many=True), **error_responses(401, 404)})
    def get(self, request, site_id: int):
        site = get_site_for(request.user, site_id)
        return Response(RuleSerializer(selectors.rules_for(request.user, site), many=True).data)


class RuleView(KefuAPIView):
    @extend_schema(
        tags=TAGS, request=RuleSerializer, responses={200: RuleSerializer, **error_responses(400, 401, 403, 404)}
    )
    def patch(self, request, site_id: int, order_type: str):
        """Change the follow-up rule of one order type (managers)."""
        site = get_site_for(request.user, site_id)
        if order_type not in {t.value for t in FOLLOW_UP_TYPES}:
            raise invalid({"order_type": "未知的工单类型。"})
        data = RuleSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        rule = services.update_rule(site, order_type, actor=request.user, **data.validated_data)
        return Response(RuleSerializer(rule).data)


class TierView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        request=TierDefinitionSerializer,
        responses={200: TierDefinitionSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, site_id: int, tier: str):
        site = get_site_for(request.user, site_id)
        data = TierDefinitionSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        definition = plan_services.update_tier_definition(site, tier, actor=request.user, **data.validated_data)
        return Response(TierDefinitionSerializer(definition).data)


class RoleView(KefuAPIView):
    @extend_schema(tags=TAGS, request=RoleInputSerializer, responses={200: dict, **error_responses(400, 403, 404)})
    def put(self, request, site_id: int, role: str):
        """Name the person holding a revisit role at the site."""
        site = get_site_for(request.user, site_id)
        if role not in PlanRole.values:
            raise invalid({"role": "未知的回访岗位。"})
        data = RoleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = plan_services.assign_role(site, role, actor=request.user, user_id=data.validated_data["user"])
        return Response({"role": row.role, "user": row.user_id})


class SettingsView(KefuAPIView):
    @extend_schema(
        tags=TAGS, request=SettingsSerializer, responses={200: SettingsSerializer, **error_responses(400, 403, 404)}
    )
    def put(self, request, site_id: int):
        site = get_site_for(request.user, site_id)
        data = SettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        row = plan_services.update_revisit_settings(
            site, actor=request.user, scope=v["scope"], holiday_codes=v["holidays"]
        )
        return Response(SettingsSerializer(row).data)


class GenerateView(KefuAPIView):
    @extend_schema(tags=TAGS, request=GenerateInputSerializer, responses={200: dict, **error_responses(400, 403, 404)})
    def post(self, request):
        """Generate a year of revisit plans for the site's customers (idempotent: a rerun adds only what is missing)."""
        data = GenerateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        return Response(plan_services.generate_revisit_plans(v["site"], actor=request.user, year=v["year"]))
