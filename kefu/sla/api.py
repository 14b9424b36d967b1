"""Deadline API: an order's clocks, promised replies, escalation, the call register, the SLA report and the
administration of service hours, holiday years and response standards.

Thin by design: parse the input, call a selector or a service, render. Another site's rows answer 404.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import get_site_for, site_ids_for
from kefu.core.api import IDEMPOTENCY_PARAMETER, KefuAPIView, error_responses, etag, expected_version, idempotent_create
from kefu.core.errors import CoreError, ServiceError, not_found
from kefu.tickets.selectors import get_work_order_for
from kefu.tickets.serializers import WorkOrderDetailSerializer, detail_row

from . import calendar_store, config_selectors, config_services, report_selectors, selectors, services
from .serializers import (
    BreachQuerySerializer,
    BreachSerializer,
    CallInputSerializer,
    CallSerializer,
    ClockDetailSerializer,
    ConfigEventSerializer,
    EscalateInputSerializer,
    HolidayImportSerializer,
    HolidayYearSerializer,
    OverrideInputSerializer,
    OverrideSerializer,
    PolicyInputSerializer,
    PolicySerializer,
    PromiseInputSerializer,
    ReportQuerySerializer,
    ReportRowSerializer,
    SiteCalendarInputSerializer,
    SiteCalendarSerializer,
)

TAGS = ["deadlines"]
ADMIN_TAGS = ["deadline administration"]
IF_MATCH = OpenApiParameter("If-Match", str, "header", description='The version, e.g. "3".')


class CanManageSla(BasePermission):
    """Service hours, holiday data and response standards are the managers' and administrators'."""

    message = CoreError.PERMISSION_DENIED.message
    code = "permission_denied"

    def has_permission(self, request, view):
        return has_capability(request.user, Capability.MANAGE_SLA)


class SlaAdminView(KefuAPIView):
    permission_classes = [IsAuthenticated, CanManageSla]


def _site_param(actor, site_id):
    """A site filter must name one of the caller's sites (else 404, as everywhere)."""
    return get_site_for(actor, site_id).id if site_id else None


# --- one work order: clocks, promise, escalation --------------------------------------------------------------


def _order_response(actor, pk) -> Response:
    """The order as every work-order action answers it: the detail, with its version as ETag."""
    order = get_work_order_for(actor, pk)
    response = Response(detail_row(order, actor))
    response["ETag"] = etag(order.version)
    return response


class WorkOrderClocksView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        responses={
            200: inline_serializer("ClockList", {"results": ClockDetailSerializer(many=True)}),
            **error_responses(401, 404),
        },
    )
    def get(self, request, pk: int):
        """The order's deadlines, with the policy version each was computed with."""
        order = get_work_order_for(request.user, pk)
        clocks = selectors.clocks_of_order(request.user, order)
        return Response({"results": ClockDetailSerializer(clocks, many=True).data})


class PromiseView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Promise the customer a reply time (约定回复时间); a changed promise needs a reason",
        request=PromiseInputSerializer,
        responses={200: WorkOrderDetailSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        order = get_work_order_for(request.user, pk)
        data = PromiseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.promise_reply(order, actor=request.user, promised_at=v["promised_at"], reason=v["reason"])
        return _order_response(request.user, pk)


class EscalateView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Escalate (逐级上报) with a reason; urgent matters may skip a level",
        description="An agent's escalation to the manager goes to the supervisor unless `skip_level` is set, "
        "which only urgent orders may do (400 skip_level_only_urgent); the skipped supervisor is told afterwards. "
        "A finished order answers 409 escalation_on_finished_order; the same level again within ten minutes "
        "answers 409 escalation_repeated.",
        request=EscalateInputSerializer,
        responses={200: WorkOrderDetailSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        order = get_work_order_for(request.user, pk)
        data = EscalateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.escalate_work_order(
            order, actor=request.user, level=v["level"], reason=v["reason"], skip_level=v["skip_level"]
        )
        return _order_response(request.user, pk)


# --- call register ---------------------------------------------------------------------------------------------


class CallCreateView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Register an answered call (电话三声铃响之内接听); a late answer needs the apology confirmed",
        request=CallInputSerializer,
        parameters=[OpenApiParameter(**IDEMPOTENCY_PARAMETER)],
        responses={201: CallSerializer, **error_responses(400, 401, 404, 422)},
    )
    def post(self, request):
        data = CallInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data

        def create():
            call = services.log_call(
                actor=request.user,
                site_id=v["site"],
                rings=v["rings"],
                apology_made=v["apology_made"],
                work_order_id=v["work_order"],
            )
            return status.HTTP_201_CREATED, CallSerializer(call).data

        return idempotent_create(request, scope="calls.create", action=create)


# --- report ------------------------------------------------------------------------------------------------------


class ReportView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        parameters=[ReportQuerySerializer],
        responses={
            200: inline_serializer("SlaReport", {"results": ReportRowSerializer(many=True)}),
            **error_responses(400, 401, 404),
        },
    )
    def get(self, request):
        """Compliance per target and group over clocks started in [start, end); only decided clocks count."""
        params = ReportQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        rows = selectors.compliance_report(
            request.user,
            start=p["start"],
            end=p["end"],
            group_by=p["group_by"],
            site_id=_site_param(request.user, p.get("site")),
        )
        return Response({"results": ReportRowSerializer(rows, many=True).data})


class BreachListView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        parameters=[BreachQuerySerializer],
        responses={
            200: inline_serializer("BreachList", {"results": BreachSerializer(many=True)}),
            **error_responses(400, 401, 404),
        },
    )
    def get(self, request):
        """Targets missed in [start, end), latest first."""
        params = BreachQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        rows = report_selectors.breach_rows(
            request.user,
            start=p["start"],
            end=p["end"],
            site_id=_site_param(request.user, p.get("site")),
            limit=p["limit"],
        )
        return Response({"results": BreachSerializer(rows, many=True).data})


# --- administration: service hours and overrides ------------------------------------------------------------------


def _calendar_body(actor, site_id) -> dict:
    entry = config_selectors.site_hours_of(actor, site_id)
    site = entry["site"]
    return SiteCalendarSerializer(
        {
            **entry,
            "makeup_weekday": calendar_store.calendar_for_site(site).makeup_weekday,
            "overrides": config_selectors.overrides_for(actor, site_id=site.id),
        }
    ).data


class SiteCalendarView(SlaAdminView):
    @extend_schema(tags=ADMIN_TAGS, responses={200: SiteCalendarSerializer, **error_responses(401, 403, 404)})
    def get(self, request, pk: int):
        """A site's service hours (or its kind's defaults until set), ring standard and date overrides."""
        return Response(_calendar_body(request.user, pk))

    @extend_schema(
        tags=ADMIN_TAGS,
        request=SiteCalendarInputSerializer,
        responses={200: SiteCalendarSerializer, **error_responses(400, 401, 403, 404)},
    )
    def put(self, request, pk: int):
        """Replace the site's service hours; running deadlines keep the instants they were given."""
        site = get_site_for(request.user, pk)
        data = SiteCalendarInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        config_services.set_site_calendar(
            site,
            actor=request.user,
            weekly=v["weekly"],
            around_the_clock=v["around_the_clock"],
            observes_public_holidays=v["observes_public_holidays"],
            makeup_weekday=v["makeup_weekday"],
            max_rings=v["max_rings"],
        )
        return Response(_calendar_body(request.user, site.id))


class CalendarOverrideView(SlaAdminView):
    @extend_schema(
        tags=ADMIN_TAGS,
        request=OverrideInputSerializer,
        responses={201: OverrideSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        """Close the site on a date, or open it with other hours (replaces that date's earlier override)."""
        site = get_site_for(request.user, pk)
        data = OverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        row = config_services.set_calendar_override(
            site, actor=request.user, day=v["day"], closed=v["closed"], spans=v["hours"], reason=v["reason"]
        )
        return Response(OverrideSerializer(row).data, status=status.HTTP_201_CREATED)


# --- administration: holiday years ----------------------------------------------------------------------------------

HolidayYearList = inline_serializer(
    "HolidayYearList",
    {
        "results": HolidayYearSerializer(many=True),
        "missing_years": serializers.ListField(
            child=serializers.IntegerField(), help_text="Years to import now (deadlines there are flagged uncertain)."
        ),
    },
)


class HolidayYearListView(SlaAdminView):
    @extend_schema(
        tags=ADMIN_TAGS,
        operation_id="v1_sla_holiday_years_list",
        responses={200: HolidayYearList, **error_responses(401, 403)},
    )
    def get(self, request):
        """Imported years of official holidays and make-up working days (they replace the package's data)."""
        years = config_selectors.holiday_years().prefetch_related("days")
        return Response(
            {
                "results": HolidayYearSerializer(years, many=True).data,
                "missing_years": selectors.calendar_warnings(timezone.localdate()),
            }
        )

    @extend_schema(
        tags=ADMIN_TAGS,
        request=HolidayImportSerializer,
        responses={201: HolidayYearSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        """Import (or replace) a year's official schedule from CSV lines: date,kind[,name]."""
        data = HolidayImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            days = config_services.parse_holiday_file(v["text"])
            record = config_services.import_holiday_year(
                actor=request.user, year=v["year"], days=days, source_note=v["source_note"]
            )
        except ServiceError as exc:
            # The services name the uploaded file; here the lines arrive as `text`.
            if "file" in exc.fields:
                exc.fields["text"] = exc.fields.pop("file")
            raise
        record = config_selectors.holiday_years().prefetch_related("days").get(pk=record.pk)
        return Response(HolidayYearSerializer(record).data, status=status.HTTP_201_CREATED)


class CalendarWarningsView(SlaAdminView):
    @extend_schema(
        tags=ADMIN_TAGS,
        responses={
            200: inline_serializer(
                "CalendarWarnings",
                {
                    "missing_years": serializers.ListField(child=serializers.IntegerField()),
                    "messages": serializers.ListField(child=serializers.CharField()),
                },
            ),
            **error_responses(401, 403),
        },
    )
    def get(self, request):
        """Years whose official holidays must be imported; until then sites use weekly hours and overrides."""
        years = selectors.calendar_warnings(timezone.localdate())
        message = _(
            "Official holidays of %(year)s are not imported yet: deadlines in that year use weekly hours and "
            "overrides only, and are flagged."
        )
        return Response({"missing_years": years, "messages": [str(message) % {"year": y} for y in years]})


# --- administration: response standards -----------------------------------------------------------------------------


def _policies_for(actor):
    """Standards for every site, and those of the caller's own sites."""
    return selectors.policies().filter(Q(site__isnull=True) | Q(site_id__in=site_ids_for(actor)))


def _policy_for(actor, pk):
    policy = config_selectors.get_policy(pk)
    if policy.site_id and policy.site_id not in site_ids_for(actor):
        raise not_found()
    return policy


def _policy_response(policy) -> Response:
    response = Response(PolicySerializer(policy).data)
    response["ETag"] = etag(policy.version)
    return response


class PolicyListView(SlaAdminView):
    @extend_schema(
        tags=ADMIN_TAGS,
        operation_id="v1_sla_policies_list",
        responses={
            200: inline_serializer("PolicyList", {"results": PolicySerializer(many=True)}),
            **error_responses(401, 403),
        },
    )
    def get(self, request):
        """Response standards in matching order: the first whose conditions all match an order wins."""
        return Response({"results": PolicySerializer(_policies_for(request.user), many=True).data})


class PolicyDetailView(SlaAdminView):
    @extend_schema(tags=ADMIN_TAGS, responses={200: PolicySerializer, **error_responses(401, 403, 404)})
    def get(self, request, pk: int):
        """One response standard; ETag carries its version."""
        return _policy_response(_policy_for(request.user, pk))

    @extend_schema(
        tags=ADMIN_TAGS,
        request=PolicyInputSerializer,
        parameters=[IF_MATCH],
        responses={200: PolicySerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def put(self, request, pk: int):
        """Replace a standard: a new version and a snapshot in its history. Existing orders keep their deadlines."""
        policy = _policy_for(request.user, pk)
        data = PolicyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        version = expected_version(request, v.get("version"))
        if v["site"] is not None:
            get_site_for(request.user, v["site"])
        saved = config_services.save_sla_policy(
            policy,
            actor=request.user,
            fields=data.policy_fields(),
            targets=v["targets"],
            reason=v["reason"],
            expected_version=version,
        )
        return _policy_response(_policy_for(request.user, saved.pk))


class PolicyHistoryView(SlaAdminView):
    @extend_schema(
        tags=ADMIN_TAGS,
        responses={
            200: inline_serializer("PolicyHistory", {"results": ConfigEventSerializer(many=True)}),
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request, pk: int):
        """Every version of the standard as a snapshot, newest first."""
        policy = _policy_for(request.user, pk)
        return Response({"results": ConfigEventSerializer(config_selectors.policy_history(policy), many=True).data})
