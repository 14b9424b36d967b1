"""Shapes of work orders in the API: representations and the input of each endpoint.

Serializers check shape only (lengths as the models', enums, control characters, markup); every business rule
(who may, which status, reason required …) is the services' and comes back as a ServiceError.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from kefu.accounts.api import DepartmentRefSerializer, ShopRefSerializer, SiteRefSerializer, StaffRefSerializer
from kefu.core.api import InputSerializer, bool_field, id_field, ids_field, line_field, text_field
from kefu.core.choices import choice_maps
from kefu.customers.api import CustomerRefSerializer

from .models import Channel, Priority, WorkOrder, WorkOrderType
from .selectors import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    SLA_STATES,
    SORTS,
    attachments_among,
    attachments_for,
    available_actions,
    timeline_for,
)
from .transitions import Status

MAX_VERSION = 2**31 - 1
SCOPES = [("mine", "mine"), ("team", "team"), ("department", "department")]

# The selector names actions as the UI does; the API names them by their URL segment (/work-orders/{id}/<slug>/).
_SLUGS = {"note": "notes", "attach": "attachments"}


def allowed_actions_for(actor, order) -> list[str]:
    """What the actor can do next: the selector applies the status table and the same guards as the services."""
    return [_SLUGS.get(name, name.replace("_", "-")) for name in available_actions(actor, order)]


# --- representations -----------------------------------------------------------------------------------------


class WorkOrderSerializer(serializers.Serializer):
    """A row of the queue."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True, help_text="Send it back with an action (or as If-Match).")
    site = SiteRefSerializer(read_only=True)
    type = serializers.ChoiceField(choices=WorkOrderType.choices, read_only=True)
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    priority = serializers.ChoiceField(choices=Priority.choices, read_only=True)
    priority_label = serializers.CharField(source="get_priority_display", read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    subject = serializers.CharField(read_only=True)
    customer = CustomerRefSerializer(read_only=True, allow_null=True)
    assignee = StaffRefSerializer(read_only=True, allow_null=True)
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    shop = ShopRefSerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Nearest pending deadline; null when no clock is running."
    )
    sla_state = serializers.SerializerMethodField(help_text="Worst state of the running clocks; null without one.")
    sla_state_label = serializers.CharField(source="get_sla_state_display", read_only=True)

    @extend_schema_field(serializers.ChoiceField(choices=[(s, s) for s in SLA_STATES], allow_null=True))
    def get_sla_state(self, order):
        return order.sla_state or None


_datetime = serializers.DateTimeField(read_only=True)


def _ref(obj, *fields):
    return None if obj is None else {f: getattr(obj, f) for f in fields}


def _labels() -> dict[str, dict]:
    return choice_maps(WorkOrder, "type", "channel", "priority", "status", "sla_state")


def queue_rows(orders) -> list[dict]:
    labels = _labels()
    return [queue_row(order, labels) for order in orders]


def queue_row(order, labels: dict | None = None) -> dict:
    """What WorkOrderSerializer gives for one order, built directly: a queue page draws up to 100 rows and DRF's
    per-field machinery cost more than the database work. A test pins both to the same output."""
    labels = labels or _labels()
    return {
        "id": order.id,
        "number": order.number,
        "version": order.version,
        "site": _ref(order.site, "id", "code", "name"),
        "type": order.type,
        "type_label": str(labels["type"].get(order.type, order.type)),
        "channel": order.channel,
        "channel_label": str(labels["channel"].get(order.channel, order.channel)),
        "priority": order.priority,
        "priority_label": str(labels["priority"].get(order.priority, order.priority)),
        "status": order.status,
        "status_label": str(labels["status"].get(order.status, order.status)),
        "subject": order.subject,
        "customer": _ref(order.customer, "id", "name", "kind", "tier"),
        "assignee": _ref(order.assignee, "id", "username", "name", "role"),
        "department": _ref(order.department, "id", "name", "site_id"),
        "shop": _ref(order.shop, "id", "number", "name", "floor"),
        "created_at": _datetime.to_representation(order.created_at),
        "updated_at": _datetime.to_representation(order.updated_at),
        "due_at": _datetime.to_representation(order.due_at) if order.due_at else None,
        "sla_state": order.sla_state or None,
        "sla_state_label": str(labels["sla_state"].get(order.sla_state, order.sla_state)),
    }


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    event_type = serializers.CharField(read_only=True, help_text="Stable code: created, status_accept, assigned …")
    actor = StaffRefSerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    old = serializers.JSONField(read_only=True, allow_null=True)
    new = serializers.JSONField(read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    uploaded_by = StaffRefSerializer(read_only=True)
    uploaded_at = serializers.DateTimeField(read_only=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, attachment) -> str:
        return reverse("api-attachment-download", args=[attachment.pk])


class PolicyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ClockSerializer(serializers.Serializer):
    """One deadline of the order (the SLA app keeps them; tickets reads them through the `clocks` relation)."""

    metric = serializers.CharField(read_only=True, help_text="first_response, resolution or promised_reply.")
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    state = serializers.CharField(
        read_only=True, help_text="running, at_risk, breached, paused, fulfilled or cancelled."
    )
    uncertain = serializers.BooleanField(
        read_only=True, help_text="Computed across a year whose official holidays are not known yet."
    )
    policy = PolicyRefSerializer(read_only=True, allow_null=True)
    policy_version = serializers.IntegerField(read_only=True)


class EscalationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    level = serializers.CharField(read_only=True, help_text="remind, supervisor or manager.")
    skipped_level = serializers.CharField(read_only=True, help_text="The level told afterwards, or empty.")
    automatic = serializers.BooleanField(read_only=True)
    metric = serializers.CharField(read_only=True, help_text="The missed target; empty for a manual escalation.")
    reason = serializers.CharField(read_only=True)
    created_by = StaffRefSerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


def _clocks(order):
    return order.clocks.select_related("policy").order_by("metric")


def _escalations(order):
    return order.escalations.select_related("created_by").order_by("created_at", "id")


class WorkOrderDetailSerializer(WorkOrderSerializer):
    """One work order with everything a handler needs; `actor` in the context decides allowed_actions."""

    description = serializers.CharField(read_only=True)
    floor = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)
    location = serializers.CharField(read_only=True)
    product = serializers.CharField(read_only=True)
    staff_involved = serializers.CharField(read_only=True)
    resolution = serializers.CharField(read_only=True)
    created_by = StaffRefSerializer(read_only=True)
    accepted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    first_replied_at = serializers.DateTimeField(read_only=True, allow_null=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    allowed_actions = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()
    escalations = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, order):
        return allowed_actions_for(self.context["actor"], order)

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, order):
        return EventSerializer(timeline_for(order), many=True).data

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, order):
        return AttachmentSerializer(attachments_for(order), many=True).data

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, order):
        return ClockSerializer(_clocks(order), many=True).data

    @extend_schema_field(EscalationSerializer(many=True))
    def get_escalations(self, order):
        return EscalationSerializer(_escalations(order), many=True).data


def _dt(value):
    return None if value is None else _datetime.to_representation(value)


def _staff_ref(user):
    return _ref(user, "id", "username", "name", "role")


def detail_row(order, actor, *, just_created=False) -> dict:
    """What WorkOrderDetailSerializer gives, built directly (as queue_row): the nested serializers re-copied
    their fields for every event, clock and attachment, which was most of a detail or create request."""
    row = queue_row(order)
    if just_created:
        # The instance create_work_order returned, untouched since: drawn from the rows that create wrote
        # (a new order has no escalation yet) instead of reading them back.
        written = order.written
        events, clocks, escalations = written["events"], written.get("clocks", []), []
    else:
        events, clocks, escalations = list(timeline_for(order)), _clocks(order), _escalations(order)
    row.update(
        description=order.description,
        floor=order.floor,
        unit=order.unit,
        location=order.location,
        product=order.product,
        staff_involved=order.staff_involved,
        resolution=order.resolution,
        created_by=_staff_ref(order.created_by),
        accepted_at=_dt(order.accepted_at),
        first_replied_at=_dt(order.first_replied_at),
        resolved_at=_dt(order.resolved_at),
        closed_at=_dt(order.closed_at),
        allowed_actions=allowed_actions_for(actor, order),
        timeline=[
            {
                "id": e.id,
                "event_type": e.event_type,
                "actor": _staff_ref(e.actor),
                "created_at": _dt(e.created_at),
                "old": e.old,
                "new": e.new,
                "note": e.note,
            }
            for e in events
        ],
        attachments=[
            {
                "id": a.id,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "uploaded_by": _staff_ref(a.uploaded_by),
                "uploaded_at": _dt(a.uploaded_at),
                "download_url": reverse("api-attachment-download", args=[a.pk]),
            }
            for a in attachments_among(order, events)
        ],
        clocks=[
            {
                "metric": c.metric,
                "due_at": _dt(c.due_at),
                "state": c.state,
                "uncertain": c.uncertain,
                "policy": _ref(c.policy, "id", "name"),
                "policy_version": c.policy_version,
            }
            for c in clocks
        ],
        escalations=[
            {
                "id": x.id,
                "level": x.level,
                "skipped_level": x.skipped_level,
                "automatic": x.automatic,
                "metric": x.metric,
                "reason": x.reason,
                "created_by": _staff_ref(x.created_by),
                "created_at": _dt(x.created_at),
            }
            for x in escalations
        ],
    )
    return row


WorkOrderPage = inline_serializer(
    "WorkOrderPage",
    {
        "results": WorkOrderSerializer(many=True),
        "next_cursor": serializers.CharField(allow_null=True, help_text="Pass as `cursor` for the next page."),
        "count": serializers.IntegerField(),
        "count_capped": serializers.BooleanField(help_text="True when there are more than `count` rows."),
    },
)


# --- input ---------------------------------------------------------------------------------------------------


class QueueQuerySerializer(InputSerializer):
    scope = serializers.ChoiceField(choices=SCOPES, default="team", help_text="mine, team or department.")
    status = serializers.ListField(child=serializers.ChoiceField(choices=Status.choices), required=False)
    type = serializers.ListField(child=serializers.ChoiceField(choices=WorkOrderType.choices), required=False)
    channel = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices), required=False)
    priority = serializers.ListField(child=serializers.ChoiceField(choices=Priority.choices), required=False)
    site = ids_field()
    department = ids_field()
    assignee = ids_field()
    customer = ids_field()
    sla_state = serializers.ListField(
        child=serializers.ChoiceField(choices=[(s, s) for s in SLA_STATES]),
        required=False,
        help_text="on_track, at_risk or breached.",
    )
    open = bool_field(required=False, default=False, help_text="Only open orders.")
    sort = serializers.ChoiceField(
        choices=[(s, s) for s in SORTS],
        default="-created",
        help_text="due = nearest deadline first, orders without one last.",
    )
    cursor = serializers.CharField(max_length=200, required=False, allow_blank=True)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE)

    FILTERS = ("status", "type", "channel", "priority", "site", "department", "assignee", "customer", "sla_state")

    def filters(self) -> dict:
        """The selector's filter format: {name: [values]}, plus open=True."""
        data = self.validated_data
        out = {name: data[name] for name in self.FILTERS if data.get(name)}
        if data.get("open"):
            out["open"] = True
        return out


class WorkOrderCreateSerializer(InputSerializer):
    site = id_field()
    type = serializers.ChoiceField(choices=WorkOrderType.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    customer = id_field(required=False, allow_null=True, default=None, help_text="Required except for inquiries.")
    subject = line_field(200)
    description = text_field(required=False, allow_blank=True, default="")
    shop = id_field(required=False, allow_null=True, default=None)
    floor = line_field(20, required=False, allow_blank=True, default="")
    unit = line_field(40, required=False, allow_blank=True, default="")
    location = line_field(200, required=False, allow_blank=True, default="")
    product = line_field(200, required=False, allow_blank=True, default="")
    staff_involved = line_field(200, required=False, allow_blank=True, default="")
    assignee = id_field(required=False, allow_null=True, default=None)
    department = id_field(required=False, allow_null=True, default=None)
    accept_now = bool_field(required=False, default=False, help_text="Accept at once (a call or walk-in taken live).")


class VersionSerializer(InputSerializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        required=False,
        help_text="The version you last read; a stale one answers 409 version_conflict. Or send If-Match.",
    )


def _optional_text(max_length: int, help_text: str = ""):
    return text_field(max_length, required=False, allow_blank=True, default="", help_text=help_text)


class NoteInputSerializer(VersionSerializer):
    note = _optional_text(2000)


class ReasonInputSerializer(VersionSerializer):
    reason = _optional_text(2000, "Required.")


class ResolveInputSerializer(VersionSerializer):
    resolution = _optional_text(10_000, "How the matter was handled and its result (required).")


class CloseInputSerializer(VersionSerializer):
    customer_response = _optional_text(10_000, "The answer given to the customer; required unless already replied.")


class AssignInputSerializer(VersionSerializer):
    assignee = id_field()


class TransferInputSerializer(VersionSerializer):
    reason = _optional_text(2000, "Required.")
    department = id_field(required=False, allow_null=True, default=None)
    assignee = id_field(required=False, allow_null=True, default=None)


class BodyInputSerializer(VersionSerializer):
    body = _optional_text(10_000, "Required.")


class PriorityInputSerializer(VersionSerializer):
    priority = serializers.ChoiceField(choices=Priority.choices)
    reason = _optional_text(2000)


class AttachmentInputSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
