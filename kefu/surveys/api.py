"""Surveys API under /api/v1/surveys/: questionnaires, surveys on closure, campaigns, responses, CSAT."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.api import KefuAPIView, error_responses
from kefu.core.errors import CoreError, ServiceError

from . import links, selectors, sending, services
from .serializers import (
    CampaignSerializer,
    ClosureRuleSerializer,
    CsatQuerySerializer,
    CsatReportSerializer,
    SurveyDetailSerializer,
    SurveySerializer,
    TemplateCreateSerializer,
    TemplateSerializer,
    TemplateUpdateSerializer,
)

TAGS = ["surveys"]
PAGE = 100


def _require_manage(request):
    if not has_capability(request.user, Capability.MANAGE_SURVEYS):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def _survey_data(survey) -> dict:
    survey.link = links.link_for(survey)
    return SurveySerializer(survey).data


class TemplateListView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: TemplateSerializer(many=True), **error_responses(401, 403)})
    def get(self, request):
        _require_manage(request)
        rows = selectors.templates_for(request.user).prefetch_related("questions")
        return Response(TemplateSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=TemplateCreateSerializer,
        responses={201: TemplateSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        data = TemplateCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        template = services.create_template(
            actor=request.user, site_id=v["site"], name=v["name"], intro=v["intro"], questions=v["questions"]
        )
        return Response(
            TemplateSerializer(selectors.get_template_for(request.user, template.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class TemplateDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: TemplateSerializer, **error_responses(401, 403, 404)})
    def get(self, request, pk: int):
        _require_manage(request)
        return Response(TemplateSerializer(selectors.get_template_for(request.user, pk)).data)

    @extend_schema(
        tags=TAGS,
        request=TemplateUpdateSerializer,
        responses={200: TemplateSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        template = selectors.get_template_for(request.user, pk)
        data = TemplateUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.update_template(template, actor=request.user, **data.validated_data)
        return Response(TemplateSerializer(selectors.get_template_for(request.user, pk)).data)


class ClosureRuleView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: ClosureRuleSerializer(many=True), **error_responses(401, 403)})
    def get(self, request):
        _require_manage(request)
        return Response(ClosureRuleSerializer(selectors.closure_rules_for(request.user), many=True).data)

    @extend_schema(
        tags=TAGS,
        request=ClosureRuleSerializer,
        responses={200: ClosureRuleSerializer, **error_responses(400, 401, 403, 404)},
    )
    def put(self, request):
        """Set (create or change) the rule of one site and work-order type."""
        data = ClosureRuleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rule = services.set_closure_rule(
            actor=request.user,
            site_id=v["site_id"],
            work_order_type=v["work_order_type"],
            template_id=v["template_id"],
            enabled=v["enabled"],
            link_valid_days=v["link_valid_days"],
        )
        return Response(ClosureRuleSerializer(rule).data)


class CampaignListView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: CampaignSerializer(many=True), **error_responses(401, 403)})
    def get(self, request):
        _require_manage(request)
        return Response(CampaignSerializer(selectors.campaigns_for(request.user), many=True).data)

    @extend_schema(
        tags=TAGS,
        request=CampaignSerializer,
        responses={201: CampaignSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        data = CampaignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        campaign = services.create_campaign(
            actor=request.user,
            site_id=v["site_id"],
            name=v["name"],
            template_id=v["template_id"],
            tier=v["tier"],
            tag_id=v["tag_id"],
            key_customers_only=v["key_customers_only"],
            order_type=v["order_type"],
            order_from=v["order_from"],
            order_to=v["order_to"],
            repeat_days=v["repeat_days"],
            link_valid_days=v["link_valid_days"],
        )
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)


class CampaignRunView(KefuAPIView):
    @extend_schema(tags=TAGS, request=None, responses={200: dict, **error_responses(400, 401, 403, 404)})
    def post(self, request, pk: int):
        """Send the campaign's survey now to every segment customer not yet asked in this round."""
        campaign = selectors.get_campaign_for(request.user, pk)
        return Response({"sent": sending.run_campaign(campaign, actor=request.user)})


class ResponseListView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: SurveySerializer(many=True), **error_responses(400, 401, 403)})
    def get(self, request):
        """Sent surveys (newest first, at most 100), optionally ?status=pending|answered&customer=<id>."""
        rows = selectors.surveys_for(request.user)
        state = request.query_params.get("status")
        if state:
            if state not in ("pending", "answered"):
                raise ServiceError(CoreError.INVALID_INPUT, fields={"status": [str(_("Invalid value."))]})
            rows = rows.filter(status=state)
        customer = request.query_params.get("customer")
        if customer:
            if not (customer.isascii() and customer.isdigit()) or len(customer) > 18:
                raise ServiceError(CoreError.INVALID_INPUT, fields={"customer": [str(_("Invalid value."))]})
            rows = rows.filter(customer_id=int(customer))
        return Response([_survey_data(s) for s in rows.order_by("-id")[:PAGE]])


class ResponseDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: SurveyDetailSerializer, **error_responses(401, 403, 404)})
    def get(self, request, pk: int):
        survey = selectors.get_survey_for(request.user, pk)
        survey.link = links.link_for(survey)
        data = SurveySerializer(survey).data
        data["answers"] = [
            {"question": a.question_id, "score": a.score, "choices": a.choices, "text": a.text}
            for a in selectors.answers_of(survey)
        ]
        return Response(data)


class CsatView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        parameters=[CsatQuerySerializer],
        responses={200: CsatReportSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        """CSAT = share (percent) of answered surveys whose satisfaction question scored 4–5."""
        params = CsatQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        report = selectors.csat_report(
            request.user, date_from=p["date_from"], date_to=p["date_to"], group_by=p["group_by"], site_id=p.get("site")
        )
        return Response(CsatReportSerializer(report).data)
