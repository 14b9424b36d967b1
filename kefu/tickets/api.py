"""Work-order API: the queue, create, detail, and one POST endpoint per action.

Thin by design: parse the input, call a selector or a service, render. Every action takes the version the client
last read (body `version` or If-Match); a stale one is refused by the service with 409 and nothing is written.
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from kefu.core.api import (
    IDEMPOTENCY_PARAMETER,
    KefuAPIView,
    error_responses,
    etag,
    expected_version,
    idempotent_create,
)
from kefu.core.errors import not_found

from . import services
from .selectors import get_attachment_for, get_work_order_for, queue_for
from .serializers import (
    AssignInputSerializer,
    AttachmentInputSerializer,
    AttachmentSerializer,
    BodyInputSerializer,
    CloseInputSerializer,
    NoteInputSerializer,
    PriorityInputSerializer,
    QueueQuerySerializer,
    ReasonInputSerializer,
    ResolveInputSerializer,
    TransferInputSerializer,
    VersionSerializer,
    WorkOrderCreateSerializer,
    WorkOrderDetailSerializer,
    WorkOrderPage,
    detail_row,
    queue_rows,
)

TAGS = ["work orders"]


def _detail(actor, order, *, just_created=False) -> dict:
    # The documented shape is WorkOrderDetailSerializer's; detail_row builds the same dict faster (pinned by a test).
    return detail_row(order, actor, just_created=just_created)


def _detail_response(actor, order, code=status.HTTP_200_OK) -> Response:
    response = Response(_detail(actor, order), status=code)
    response["ETag"] = etag(order.version)
    return response


class WorkOrderListView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="v1_work_orders_list",
        parameters=[QueueQuerySerializer],
        responses={200: WorkOrderPage, **error_responses(400, 401)},
    )
    def get(self, request):
        """The queue: filters (repeat a parameter for several values), scope, sort and a keyset cursor."""
        params = QueueQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        page = queue_for(
            request.user,
            scope=p["scope"],
            filters=params.filters(),
            sort=p["sort"],
            cursor=p.get("cursor") or None,
            page_size=p["page_size"],
        )
        return Response(
            {
                "results": queue_rows(page.rows),
                "next_cursor": page.next_cursor,
                "count": page.total,
                "count_capped": page.total_capped,
            }
        )

    @extend_schema(
        tags=TAGS,
        request=WorkOrderCreateSerializer,
        parameters=[OpenApiParameter(**IDEMPOTENCY_PARAMETER)],
        responses={201: WorkOrderDetailSerializer, **error_responses(400, 401, 403, 404, 422)},
    )
    def post(self, request):
        """Record a contact as a work order. Send an Idempotency-Key so that a retry cannot create it twice."""
        data = WorkOrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data

        def create():
            order = services.create_work_order(
                actor=request.user,
                site_id=v["site"],
                type=v["type"],
                channel=v["channel"],
                subject=v["subject"],
                customer_id=v["customer"],
                priority=v["priority"],
                description=v["description"],
                shop_id=v["shop"],
                floor=v["floor"],
                unit=v["unit"],
                location=v["location"],
                product=v["product"],
                staff_involved=v["staff_involved"],
                assignee_id=v["assignee"],
                department_id=v["department"],
                accept_now=v["accept_now"],
            )
            # The order in hand carries every related row it was written with: no re-read under load.
            return status.HTTP_201_CREATED, _detail(request.user, order, just_created=True)

        return idempotent_create(request, scope="work_orders.create", action=create)


class WorkOrderDetailView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: WorkOrderDetailSerializer, **error_responses(401, 404)})
    def get(self, request, pk: int):
        """One work order with its version, allowed actions, timeline and attachments. ETag carries the version."""
        return _detail_response(request.user, get_work_order_for(request.user, pk))


class WorkOrderActionView(KefuAPIView):
    """POST /work-orders/{id}/<action>/: look the order up in the caller's scope, parse, call one service."""

    input_serializer = VersionSerializer

    def perform(self, order, actor, data: dict, version: int | None):
        """Run the service; return the changed order, or None to re-read it."""
        raise NotImplementedError

    def post(self, request, pk: int):
        # Scope first: another site's order is a 404 whatever the body says.
        order = get_work_order_for(request.user, pk)
        data = self.input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = expected_version(request, data.validated_data.get("version"))
        changed = self.perform(order, request.user, data.validated_data, version)
        if changed is None:
            changed = get_work_order_for(request.user, pk)
        # The service's own copy, not a scoped re-read: a transfer may move the order out of the caller's queue.
        return _detail_response(request.user, changed)


def _documented(input_serializer, summary: str, *, codes=(400, 401, 403, 404, 409)):
    def decorate(cls):
        cls.input_serializer = input_serializer
        return extend_schema_view(
            post=extend_schema(
                tags=TAGS,
                summary=summary,
                description="Send the `version` you last read (or If-Match); a stale one answers 409 "
                "version_conflict and nothing is written. An action the status forbids answers 409 "
                "transition_not_allowed.",
                request=input_serializer,
                parameters=[OpenApiParameter("If-Match", str, "header", description='The version, e.g. "3".')],
                responses={200: WorkOrderDetailSerializer, **error_responses(*codes)},
            )
        )(cls)

    return decorate


@_documented(VersionSerializer, "Accept (受理): 新建 → 已受理; takes the order if nobody has it")
class AcceptView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.accept_work_order(order, actor=actor, expected_version=version)


@_documented(VersionSerializer, "Start handling: 已受理/已重开 → 处理中")
class StartView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.start_work_order(order, actor=actor, expected_version=version)


@_documented(NoteInputSerializer, "Ask the customer to confirm: 处理中 → 待客户确认")
class WaitCustomerView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.request_customer_confirmation(order, actor=actor, note=data["note"], expected_version=version)


@_documented(VersionSerializer, "Resume handling: 待客户确认 → 处理中")
class ResumeView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.resume_work_order(order, actor=actor, expected_version=version)


@_documented(ResolveInputSerializer, "Resolve: → 已解决, with how it was handled")
class ResolveView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.resolve_work_order(order, actor=actor, resolution=data["resolution"], expected_version=version)


@_documented(CloseInputSerializer, "Close: 已解决 → 已关闭, once the customer has been answered")
class CloseView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.close_work_order(
            order, actor=actor, customer_response=data["customer_response"], expected_version=version
        )


@_documented(ReasonInputSerializer, "Reopen: 已解决/已关闭 → 已重开, with a reason")
class ReopenView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.reopen_work_order(order, actor=actor, reason=data["reason"], expected_version=version)


@_documented(ReasonInputSerializer, "Cancel: open → 已取消, with a reason")
class CancelView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.cancel_work_order(order, actor=actor, reason=data["reason"], expected_version=version)


@_documented(AssignInputSerializer, "Assign to a colleague of the site")
class AssignView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.assign_work_order(order, actor=actor, assignee_id=data["assignee"], expected_version=version)


@_documented(TransferInputSerializer, "Transfer (转接) to a department and/or person, with a reason")
class TransferView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.transfer_work_order(
            order,
            actor=actor,
            reason=data["reason"],
            department_id=data["department"],
            assignee_id=data["assignee"],
            expected_version=version,
        )


@_documented(BodyInputSerializer, "Reply to the customer (recorded on the timeline)")
class ReplyView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        services.reply_to_customer(order, actor=actor, body=data["body"], expected_version=version)


@_documented(
    BodyInputSerializer,
    "Add an internal note (never shown to the customer; checks the version sent, does not change it)",
)
class NoteView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        services.add_internal_note(order, actor=actor, body=data["body"], expected_version=version)


@_documented(PriorityInputSerializer, "Change the priority")
class PriorityView(WorkOrderActionView):
    def perform(self, order, actor, data, version):
        return services.change_priority(
            order, actor=actor, priority=data["priority"], reason=data["reason"], expected_version=version
        )


class AttachmentUploadView(KefuAPIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        summary="Attach a file (multipart field `file`; images, PDF, Office documents, text, audio)",
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request, pk: int):
        order = get_work_order_for(request.user, pk)
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.add_attachment(order, actor=request.user, uploaded=data.validated_data["file"])
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            **error_responses(401, 404),
        },
    )
    def get(self, request, pk: int):
        """The file, for users who may see its work order."""
        attachment = get_attachment_for(request.user, pk)
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise not_found() from None
        response = FileResponse(
            handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
