"""Shapes of follow-up visits in the API. Shape only: every business rule comes back from the services."""

from __future__ import annotations

from rest_framework import serializers

from kefu.accounts.api import StaffRefSerializer
from kefu.core.api import bool_field, id_field, line_field, text_field
from kefu.customers.api import CustomerRefSerializer
from kefu.customers.models import Tier

from .holidays import HOLIDAY_CHOICES
from .models import (
    FOLLOW_UP_TYPES,
    AssignTo,
    InfoItem,
    Method,
    OnDissatisfied,
    PlanRole,
    PlanScope,
    Satisfaction,
)


class OrderRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    type = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)


class AttemptSerializer(serializers.Serializer):
    """One call or visit; a reached one is the customer evaluation form (客户评价单)."""

    id = serializers.IntegerField(read_only=True)
    performed_at = serializers.DateTimeField(source="created_at", read_only=True)
    performed_by = StaffRefSerializer(source="actor", read_only=True)
    method = serializers.CharField(read_only=True)
    reached = serializers.BooleanField(read_only=True)
    satisfaction = serializers.CharField(read_only=True)
    score = serializers.IntegerField(read_only=True, allow_null=True)
    comments = serializers.CharField(read_only=True)
    dissatisfaction_points = serializers.CharField(read_only=True)
    suggestions = serializers.CharField(read_only=True)
    improvement_needed = serializers.BooleanField(read_only=True)
    forwarded_to = serializers.CharField(read_only=True)
    information_delivered = serializers.ListField(child=serializers.CharField(), read_only=True)
    consequence = serializers.CharField(read_only=True)
    opened_order = OrderRefSerializer(read_only=True, allow_null=True)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    source = serializers.CharField(read_only=True)
    customer = CustomerRefSerializer(read_only=True)
    work_order = OrderRefSerializer(read_only=True, allow_null=True)
    role = serializers.CharField(read_only=True)
    occasion = serializers.CharField(read_only=True)
    holiday = serializers.CharField(read_only=True)
    tier = serializers.CharField(read_only=True)
    method = serializers.CharField(read_only=True)
    assignee = StaffRefSerializer(read_only=True)
    planned_on = serializers.DateField(read_only=True)
    due_on = serializers.DateField(read_only=True)
    next_attempt_at = serializers.DateTimeField(read_only=True, allow_null=True)
    status = serializers.CharField(read_only=True)
    attempts = serializers.IntegerField(read_only=True)
    max_attempts = serializers.IntegerField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    completed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class FollowUpDetailSerializer(FollowUpSerializer):
    attempt_rows = AttemptSerializer(many=True, read_only=True)


class AttemptInputSerializer(serializers.Serializer):
    reached = bool_field()
    method = serializers.ChoiceField(choices=Method.choices, default=Method.PHONE)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, required=False, allow_blank=True, default="")
    score = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None)
    comments = text_field(2000, required=False, allow_blank=True, default="")
    dissatisfaction_points = text_field(2000, required=False, allow_blank=True, default="")
    suggestions = text_field(2000, required=False, allow_blank=True, default="")
    improvement_needed = bool_field(required=False, default=False)
    forwarded_to = line_field(100, required=False, allow_blank=True, default="")
    information_delivered = serializers.ListField(
        child=serializers.ChoiceField(choices=InfoItem.choices), required=False, default=list, max_length=10
    )


class PeriodQuerySerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    site = id_field(required=False)
    assignee = id_field(required=False)

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "结束日期不能早于开始日期。"})
        if (attrs["end"] - attrs["start"]).days > 366:
            raise serializers.ValidationError({"end": "统计期间最长一年。"})
        return attrs


class RuleSerializer(serializers.Serializer):
    order_type = serializers.ChoiceField(choices=[(t.value, t.label) for t in FOLLOW_UP_TYPES], read_only=True)
    enabled = bool_field(required=False)
    delay_hours = serializers.IntegerField(required=False)
    due_within_hours = serializers.IntegerField(required=False)
    method = serializers.ChoiceField(choices=Method.choices, required=False)
    assign_to = serializers.ChoiceField(choices=AssignTo.choices, required=False)
    named_assignee = id_field(source="named_assignee_id", required=False, allow_null=True)
    retry_after_hours = serializers.IntegerField(required=False)
    max_attempts = serializers.IntegerField(required=False)
    on_dissatisfied = serializers.ChoiceField(choices=OnDissatisfied.choices, required=False)


class TierDefinitionSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=Tier.choices, read_only=True)
    criteria = text_field(500, required=False, allow_blank=True)
    account_manager_per_month = serializers.IntegerField(required=False)
    department_manager_per_month = serializers.IntegerField(required=False)
    leadership_every_months = serializers.IntegerField(required=False)
    company_head_per_year = serializers.IntegerField(required=False)
    holiday_visits = bool_field(required=False)
    information_items = serializers.ListField(
        child=serializers.ChoiceField(choices=InfoItem.choices), required=False, max_length=10
    )


class RoleInputSerializer(serializers.Serializer):
    user = id_field()


class SettingsSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=PlanScope.choices)
    holidays = serializers.ListField(child=serializers.ChoiceField(choices=HOLIDAY_CHOICES), max_length=10)


class GenerateInputSerializer(serializers.Serializer):
    site = id_field()
    year = serializers.IntegerField(min_value=2000, max_value=2100)


ROLE_CHOICES = PlanRole.choices
