"""The caller's in-app inbox (the bell): list newest first, unread count, mark read. Nobody sees another's."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from .api import KefuAPIView, bool_field, error_responses, id_field
from .notifications import inbox_for, mark_read, unread_count

TAGS = ["notifications"]
PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True, help_text="Stable code, e.g. escalation_supervisor.")
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="Page of the web UI the notification is about.")
    created_at = serializers.DateTimeField(read_only=True)
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)


class InboxQuerySerializer(serializers.Serializer):
    unread = bool_field(required=False, default=False, help_text="Only unread notifications.")
    cursor = id_field(required=False, help_text="`next_cursor` of the previous page.")
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=id_field(),
        required=False,
        allow_null=True,
        default=None,
        max_length=1000,
        help_text="Notifications to mark; omit to mark the whole inbox. Ids of others' notifications are ignored.",
    )


UnreadCount = inline_serializer("UnreadCount", {"unread_count": serializers.IntegerField()})


class NotificationListView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        operation_id="v1_notifications_list",
        parameters=[InboxQuerySerializer],
        responses={
            200: inline_serializer(
                "NotificationPage",
                {
                    "results": NotificationSerializer(many=True),
                    "next_cursor": serializers.IntegerField(
                        allow_null=True, help_text="Pass as `cursor` for the next page."
                    ),
                    "unread_count": serializers.IntegerField(),
                },
            ),
            **error_responses(400, 401),
        },
    )
    def get(self, request):
        """The caller's notifications, newest first (a keyset cursor pages on)."""
        params = InboxQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        qs = inbox_for(request.user)
        if p["unread"]:
            qs = qs.filter(read_at__isnull=True)
        if p.get("cursor"):
            qs = qs.filter(id__lt=p["cursor"])
        rows = list(qs.order_by("-id")[: p["page_size"] + 1])
        next_cursor = None
        if len(rows) > p["page_size"]:
            rows = rows[: p["page_size"]]
            next_cursor = rows[-1].id
        return Response(
            {
                "results": NotificationSerializer(rows, many=True).data,
                "next_cursor": next_cursor,
                "unread_count": unread_count(request.user),
            }
        )


class UnreadCountView(KefuAPIView):
    @extend_schema(tags=TAGS, responses={200: UnreadCount, **error_responses(401)})
    def get(self, request):
        """The number on the bell."""
        return Response({"unread_count": unread_count(request.user)})


class MarkReadView(KefuAPIView):
    @extend_schema(
        tags=TAGS,
        request=MarkReadSerializer,
        responses={
            200: inline_serializer(
                "MarkReadResult", {"marked": serializers.IntegerField(), "unread_count": serializers.IntegerField()}
            ),
            **error_responses(400, 401),
        },
    )
    def post(self, request):
        """Mark the caller's notifications read (all of them, or the listed ids)."""
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = mark_read(request.user, data.validated_data["ids"])
        return Response({"marked": marked, "unread_count": unread_count(request.user)})
