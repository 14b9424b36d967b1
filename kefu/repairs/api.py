"""Repair API under /api/v1/repairs/: intake, the technician's steps, the handover read.

Thin by design: parse, call one service or selector, render. Errors are {code, message, fields} with a 4xx;
another site's or another department's repair is a 404.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from kefu.accounts.selectors import get_site_for
from kefu.core.api import IDEMPOTENCY_PARAMETER, KefuAPIView, SiteFilterSerializer, error_responses, idempotent_create
from kefu.tickets.serializers import AttachmentSerializer

from . import fieldwork, selectors, services
from .serializers import (
    ArrivalInputSerializer,
    ConfirmInputSerializer,
    FeeInputSerializer,
    HandoverQuerySerializer,
    HandoverSerializer,
    PartInputSerializer,
    PartSerializer,
    PhotoInputSerializer,
    RepairCreateSerializer,
    RepairSheetSerializer,
    WorkInputSerializer,
)

TAGS = ["repairs"]


def _sheet_response(actor, pk, code=status.HTTP_200_OK) -> Response:
    return Response(RepairSheetSerializer(selectors.get_repair_for(actor, pk)).data, status=code)


class RepairListView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        parameters=[SiteFilterSerializer],
        responses={200: RepairSheetSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        """Open repairs of the caller's departments (all of the caller's sites for desk roles), urgent first;
        `site` narrows it to some of the caller's sites."""
        params = SiteFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = selectors.open_repairs_for(request.user, site_ids=params.validated_data.get("site"))
        return Response(RepairSheetSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAGS,
        request=RepairCreateSerializer,
        parameters=[OpenApiParameter(**IDEMPOTENCY_PARAMETER)],
        responses={201: RepairSheetSerializer, **error_responses(400, 401, 403, 404, 422)},
    )
    def post(self, request):
        """Fill the 《维修工作单》 and dispatch it at once (the department is notified)."""
        data = RepairCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)

        def create():
            sheet = services.create_repair(
                actor=request.user,
                site_id=v.pop("site"),
                customer_id=v.pop("customer"),
                shop_id=v.pop("shop"),
                department_id=v.pop("department"),
                **v,
            )
            return status.HTTP_201_CREATED, RepairSheetSerializer(
                selectors.get_repair_for(request.user, sheet.work_order_id)
            ).data

        return idempotent_create(request, scope="repairs.create", action=create)


class RepairDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: RepairSheetSerializer, **error_responses(401, 404)})
    def get(self, request, pk: int):
        """One repair sheet by its work order's id."""
        return _sheet_response(request.user, pk)


class RepairStepView(KefuAPIView):
    """POST /repairs/{work order id}/<step>/: scoped look-up first, then parse, then one service."""

    input_serializer = None

    def perform(self, sheet, actor, data: dict):
        raise NotImplementedError

    def post(self, request, pk: int):
        sheet = selectors.get_repair_for(request.user, pk)
        data = {}
        if self.input_serializer is not None:
            parsed = self.input_serializer(data=request.data)
            parsed.is_valid(raise_exception=True)
            data = parsed.validated_data
        self.perform(sheet, request.user, data)
        return _sheet_response(request.user, pk)


def _step(input_serializer, summary: str):
    def decorate(cls):
        cls.input_serializer = input_serializer
        return extend_schema_view(
            post=extend_schema(
                tags=TAGS,
                summary=summary,
                request=input_serializer,
                responses={200: RepairSheetSerializer, **error_responses(400, 401, 403, 404, 409)},
            )
        )(cls)

    return decorate


@_step(None, "Accept (接单): the order becomes 已受理 with the caller as assignee")
class AcceptView(RepairStepView):
    def perform(self, sheet, actor, data):
        fieldwork.accept_repair(sheet, actor=actor)


@_step(ArrivalInputSerializer, "Arrived on site: never before the acceptance; the order becomes 处理中")
class ArriveView(RepairStepView):
    def perform(self, sheet, actor, data):
        fieldwork.record_arrival(sheet, actor=actor, arrived_at=data["arrived_at"])


@_step(WorkInputSerializer, "Save the work record as a draft")
class WorkView(RepairStepView):
    def perform(self, sheet, actor, data):
        fieldwork.record_work(sheet, actor=actor, **data)


@_step(FeeInputSerializer, "Record the fee: chargeable needs amount > 0 and a settlement type; free has no amount")
class FeeView(RepairStepView):
    def perform(self, sheet, actor, data):
        fieldwork.record_fee(sheet, actor=actor, **data)


@_step(WorkInputSerializer, "Work completed: needs work done, result and a fee decision; the order awaits the customer")
class CompleteView(RepairStepView):
    def perform(self, sheet, actor, data):
        fieldwork.complete_repair(sheet, actor=actor, **data)


class ConfirmView(RepairStepView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    input_serializer = ConfirmInputSerializer

    @extend_schema(
        tags=TAGS,
        summary="Customer confirmation (name, time, optional PNG signature): the order is resolved",
        request={"multipart/form-data": ConfirmInputSerializer, "application/json": ConfirmInputSerializer},
        responses={200: RepairSheetSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, sheet, actor, data):
        fieldwork.confirm_by_customer(
            sheet, actor=actor, name=data["name"], confirmed_at=data["confirmed_at"], signature=data["signature"]
        )


class PartListView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Add a part or material line (quantity > 0)",
        request=PartInputSerializer,
        responses={201: PartSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        sheet = selectors.get_repair_for(request.user, pk)
        data = PartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        part = fieldwork.add_part(sheet, actor=request.user, **data.validated_data)
        return Response(PartSerializer(part).data, status=status.HTTP_201_CREATED)


class PartDetailView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Remove a part line typed by mistake (before completion)",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    )
    def delete(self, request, pk: int, part_id: int):
        sheet = selectors.get_repair_for(request.user, pk)
        fieldwork.remove_part(sheet, actor=request.user, part_id=part_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhotoView(KefuAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        summary="Upload a photo (multipart field `file`), stored as an attachment of the order",
        request={"multipart/form-data": PhotoInputSerializer},
        responses={201: AttachmentSerializer, **error_responses(400, 401, 403, 404, 409, 413)},
    )
    def post(self, request, pk: int):
        sheet = selectors.get_repair_for(request.user, pk)
        data = PhotoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = fieldwork.add_photo(sheet, actor=request.user, uploaded=data.validated_data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class HandoverView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        parameters=[HandoverQuerySerializer],
        responses={200: HandoverSerializer, **error_responses(400, 401, 404)},
    )
    def get(self, request):
        """For the shift handover: the site's open repair sheets and the fees recorded since `since`."""
        params = HandoverQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        site = get_site_for(request.user, p["site"])
        report = selectors.handover_repairs(request.user, site, p["since"], until=p["until"])
        return Response(HandoverSerializer(report).data)
