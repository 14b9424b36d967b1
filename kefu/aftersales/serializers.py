"""API shapes of the after-sales app. Shape checks only; every business rule is in the services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from kefu.core.api import bool_field, id_field, line_field, text_field
from kefu.tickets.models import Channel

from .models import (
    AfterSalesCase,
    CaseKind,
    Eligibility,
    NotifyMethod,
    Path,
    Remedy,
    RepairOutcome,
    ReturnKind,
    ReturnRequest,
    WarrantyRule,
)


def _money(**kw):
    return serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, default=None, **kw
    )


def _opt_line(n):
    return line_field(n, required=False, allow_blank=True, default="")


def _opt_text(n):
    return text_field(n, required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="AfterSalesRule")  # unique among the apps' components
class RuleSerializer(serializers.ModelSerializer):
    exclusions = serializers.ListField(source="exclusion_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = WarrantyRule
        fields = [
            "id",
            "site",
            "category",
            "warranty_days",
            "covered",
            "exclusions",
            "allow_exchange",
            "allow_refund",
            "return_days",
            "exchange_days",
            "receipt_required",
            "is_active",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class RuleInputSerializer(serializers.Serializer):
    site = id_field(required=False)
    category = line_field(60, required=False)
    warranty_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    covered = _opt_text(2000)
    exclusions = serializers.ListField(child=line_field(60), required=False, max_length=50)
    allow_exchange = bool_field(required=False)
    allow_refund = bool_field(required=False)
    return_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    exchange_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    receipt_required = bool_field(required=False)
    is_active = bool_field(required=False)

    def values(self) -> dict:
        # Only what was sent (a partial update changes only those fields).
        data = {k: v for k, v in self.validated_data.items() if k in self.initial_data and k != "site"}
        if "exclusions" in data:
            data["exclusions"] = "\n".join(data["exclusions"])
        return data


class CaseCreateSerializer(serializers.Serializer):
    site = id_field()
    rule = id_field()
    customer = id_field(required=False, allow_null=True, default=None)
    customer_name = _opt_line(60)
    customer_phone = _opt_line(40)
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.REPAIR)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WALK_IN)
    product_name = line_field(100)
    model = line_field(60)
    serial_number = _opt_line(60)
    purchased_on = serializers.DateField()
    purchase_place = _opt_line(100)
    order_number = _opt_line(60)
    receipt_present = bool_field(default=False)
    shop = id_field(required=False, allow_null=True, default=None)
    problem = text_field(5000)


class ShipmentOut(serializers.Serializer):
    direction = serializers.CharField()
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    on = serializers.DateField()


class RepairOut(serializers.Serializer):
    technician = serializers.IntegerField(source="technician_id")
    outcome = serializers.CharField()
    fault_cause = serializers.CharField()
    repair_method = serializers.CharField()
    paid = bool_field()
    recorded_at = serializers.DateTimeField()


class ReturnSerializer(serializers.ModelSerializer):
    work_order = serializers.IntegerField(source="case.work_order_id", read_only=True)

    class Meta:
        model = ReturnRequest
        fields = [
            "id",
            "work_order",
            "kind",
            "origin",
            "status",
            "refund_amount",
            "shop_agreed",
            "shop_person",
            "shop_confirmed_by",
            "shop_confirmed_at",
            "receipt_number",
            "receipt_on",
            "receipt_passed",
            "receipt_findings",
            "receipt_checked_by",
            "receipt_checked_at",
            "approved_by",
            "approved_at",
            "cashier_by",
            "cashier_at",
            "cashier_note",
            "refusal_reason",
            "alternative",
        ]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="work_order.number", read_only=True)
    eligibility = serializers.CharField(read_only=True)
    shipments = ShipmentOut(many=True, read_only=True)
    repairs = RepairOut(many=True, read_only=True)
    return_request = serializers.SerializerMethodField()
    offered_remedies = serializers.SerializerMethodField()

    class Meta:
        model = AfterSalesCase
        fields = [
            "work_order",
            "number",
            "kind",
            "rule",
            "product_name",
            "model",
            "serial_number",
            "purchased_on",
            "purchase_place",
            "order_number",
            "receipt_present",
            "stage",
            "eligibility",
            "decided_eligibility",
            "eligibility_reason",
            "warranty_until",
            "decided_on",
            "rule_snapshot",
            "exclusions_found",
            "override_eligibility",
            "override_reason",
            "overridden_by",
            "overridden_at",
            "path",
            "remedy",
            "quote_amount",
            "notified_at",
            "notify_method",
            "notify_note",
            "handed_over_at",
            "shipments",
            "repairs",
            "return_request",
            "offered_remedies",
        ]
        read_only_fields = fields

    def get_return_request(self, case) -> dict | None:
        ret = ReturnRequest.objects.filter(case=case).first()
        return ReturnSerializer(ret).data if ret else None

    def get_offered_remedies(self, case) -> list[str]:
        from .services import offered_remedies

        return offered_remedies(case) if case.stage == "unrepairable" else []


# ---- step inputs ----


class EligibilityInput(serializers.Serializer):
    exclusions_found = serializers.ListField(child=line_field(60), required=False, default=list, max_length=50)


@extend_schema_serializer(component_name="AfterSalesOverrideInput")  # unique among the apps' components
class OverrideInput(serializers.Serializer):
    eligibility = serializers.ChoiceField(choices=[c for c in Eligibility.choices if c[0] != "pending"])
    reason = _opt_line(300)


class PathInput(serializers.Serializer):
    path = serializers.ChoiceField(choices=[c for c in Path.choices if c[0]])
    department = id_field(required=False, allow_null=True, default=None)
    note = _opt_text(1000)


class ShipmentInput(serializers.Serializer):
    carrier = line_field(60)
    tracking_number = line_field(60)
    on = serializers.DateField()


class RepairInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=RepairOutcome.choices)
    technician = id_field(required=False, allow_null=True, default=None)
    fault_cause = text_field(2000)
    repair_method = text_field(2000)


class RemedyInput(serializers.Serializer):
    remedy = serializers.ChoiceField(choices=[c for c in Remedy.choices if c[0]])
    quote_amount = _money()
    refund_amount = _money()


class NotifyInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=NotifyMethod.choices)
    note = _opt_line(300)


@extend_schema_serializer(component_name="AfterSalesNoteInput")  # unique among the apps' components
class NoteInput(serializers.Serializer):
    note = _opt_line(300)


class DeskReturnInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReturnKind.choices)
    refund_amount = _money()


@extend_schema_serializer(component_name="AfterSalesShopConfirmInput")  # unique among the apps' components
class ShopConfirmInput(serializers.Serializer):
    agreed = bool_field()
    shop_person = _opt_line(60)
    reason = _opt_line(300)
    alternative = _opt_line(300)


class ReceiptInput(serializers.Serializer):
    receipt_present = bool_field()
    receipt_number = _opt_line(60)
    receipt_on = serializers.DateField(required=False, allow_null=True, default=None)
    goods_intact = bool_field(default=True)
    alternative = _opt_line(300)
