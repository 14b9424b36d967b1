"""Shapes of the repair API. Business rules stay in the services; these check type and size only."""

from __future__ import annotations

from rest_framework import serializers

from kefu.core.api import bool_field, id_field, line_field, text_field
from kefu.core.phones import mask_phone
from kefu.tickets.models import Channel, Priority

from .models import STAGE_LABELS, Access, Facility, LocationKind, RepairPart, RepairSheet, ReporterType, Settlement


def _line(max_length: int, help_text: str = ""):
    return line_field(max_length, required=False, allow_blank=True, default="", help_text=help_text)


def _text(help_text: str = ""):
    return text_field(5000, required=False, allow_blank=True, default="", help_text=help_text)


def _choice(choices, help_text: str = ""):
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True, default="", help_text=help_text)


class RepairCreateSerializer(serializers.Serializer):
    site = id_field()
    customer = id_field(required=False, allow_null=True, default=None, help_text="An archived customer, or …")
    customer_name = _line(100, "… a new caller's name and phone, filed in the archive with the repair.")
    customer_phone = _line(40)
    reporter_type = _choice(ReporterType.choices, "Required.")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL, help_text="Urgency.")
    fault = _line(200, "Required: the fault, becomes the work order's subject.")
    description = _text()
    location_kind = _choice(LocationKind.choices, "Required: unit needs `unit`, shop `shop`, public `area`+`facility`.")
    building = _line(40)
    unit = _line(40)
    floor = _line(20)
    shop = id_field(required=False, allow_null=True, default=None)
    area = _line(200)
    facility = _choice(Facility.choices)
    access = _choice(Access.choices, "Required; `appointment` needs the window.")
    access_note = _line(200)
    appointment_start = serializers.DateTimeField(required=False, allow_null=True, default=None)
    appointment_end = serializers.DateTimeField(required=False, allow_null=True, default=None)
    contact_name = _line(60, "Required.")
    contact_phone = _line(40)
    department = id_field(required=False, allow_null=True, default=None, help_text="Required: dispatched at once.")
    dispatch_note = _text()


class PartSerializer(serializers.ModelSerializer):
    class Meta:
        model = RepairPart
        fields = ["id", "name", "quantity", "unit", "added_at"]


class RepairSheetSerializer(serializers.ModelSerializer):
    work_order = serializers.IntegerField(source="work_order_id")
    number = serializers.CharField(source="work_order.number")
    status = serializers.CharField(source="work_order.status")
    priority = serializers.IntegerField(source="work_order.priority")
    fault = serializers.CharField(source="work_order.subject")
    department = serializers.IntegerField(source="work_order.department_id", allow_null=True)
    unit = serializers.CharField(source="work_order.unit")
    location = serializers.CharField(source="work_order.location")
    shop = serializers.IntegerField(source="work_order.shop_id", allow_null=True)
    stage = serializers.ChoiceField(choices=list(STAGE_LABELS.items()))
    contact_phone = serializers.SerializerMethodField(help_text="Always masked.")
    is_chargeable = bool_field()
    is_paid = bool_field(help_text="Settled on the spot (cash, WeChat, Alipay).")
    parts = PartSerializer(many=True)

    class Meta:
        model = RepairSheet
        fields = [
            "work_order",
            "number",
            "status",
            "priority",
            "fault",
            "department",
            "stage",
            "reporter_type",
            "location_kind",
            "building",
            "unit",
            "location",
            "shop",
            "facility",
            "access",
            "access_note",
            "appointment_start",
            "appointment_end",
            "contact_name",
            "contact_phone",
            "dispatch_note",
            "dispatched_at",
            "accepted_at",
            "accepted_by",
            "arrived_at",
            "work_done",
            "labour_minutes",
            "result",
            "completed_at",
            "settlement",
            "fee_amount",
            "receipt_number",
            "fee_recorded_at",
            "is_chargeable",
            "is_paid",
            "confirmed_by_name",
            "confirmed_at",
            "signature",
            "parts",
        ]

    def get_contact_phone(self, sheet) -> str:
        return mask_phone(sheet.contact_phone) if sheet.contact_phone else ""


class ArrivalInputSerializer(serializers.Serializer):
    arrived_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Default: now.")


class PartInputSerializer(serializers.Serializer):
    name = _line(100)
    quantity = serializers.DecimalField(max_digits=9, decimal_places=2)
    unit = _line(12)


class WorkInputSerializer(serializers.Serializer):
    work_done = _text()
    result = _text()
    labour_minutes = serializers.IntegerField(min_value=0, max_value=60 * 24 * 7, required=False, default=0)


class FeeInputSerializer(serializers.Serializer):
    chargeable = bool_field()
    amount = serializers.DecimalField(max_digits=9, decimal_places=2, required=False, allow_null=True, default=None)
    settlement = _choice(Settlement.choices)
    receipt_number = _line(40)


class PhotoInputSerializer(serializers.Serializer):
    file = serializers.FileField()


class ConfirmInputSerializer(serializers.Serializer):
    name = _line(60, "Required: the customer who confirms.")
    confirmed_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Required.")
    signature = serializers.FileField(required=False, allow_null=True, default=None, help_text="PNG, optional.")


class HandoverQuerySerializer(serializers.Serializer):
    site = id_field()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class HandoverSerializer(serializers.Serializer):
    open_sheets = RepairSheetSerializer(many=True)
    fees = RepairSheetSerializer(many=True)
    fee_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    collected_total = serializers.DecimalField(max_digits=12, decimal_places=2)
