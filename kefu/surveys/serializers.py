"""Representations and input shapes of the surveys API; the rules stay in services."""

from __future__ import annotations

from rest_framework import serializers

from kefu.core.api import bool_field, id_field, line_field, text_field
from kefu.customers.models import Tier
from kefu.tickets.models import WorkOrderType

from .models import DEFAULT_LINK_DAYS, QuestionKind
from .selectors import GROUPS


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = line_field(200)
    required = bool_field(default=True)
    options = serializers.ListField(child=line_field(100), max_length=20, required=False, default=list)
    is_satisfaction = bool_field(default=False)


class TemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    site = serializers.IntegerField(source="site_id", read_only=True)
    name = serializers.CharField(read_only=True)
    intro = serializers.CharField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    questions = QuestionSerializer(many=True, read_only=True, source="questions.all")


class TemplateCreateSerializer(serializers.Serializer):
    site = id_field()
    name = line_field(100)
    intro = text_field(2000, required=False, allow_blank=True, default="")
    questions = QuestionSerializer(many=True)


class TemplateUpdateSerializer(serializers.Serializer):
    name = line_field(100, required=False)
    intro = text_field(2000, required=False, allow_blank=True)
    is_active = bool_field(required=False)
    questions = QuestionSerializer(many=True, required=False)


class ClosureRuleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    site = id_field(source="site_id")
    work_order_type = serializers.ChoiceField(choices=WorkOrderType.choices)
    template = id_field(source="template_id")
    enabled = bool_field()
    link_valid_days = serializers.IntegerField(min_value=1, max_value=365, default=DEFAULT_LINK_DAYS)


class CampaignSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    site = id_field(source="site_id")
    name = line_field(100)
    template = id_field(source="template_id")
    tier = serializers.ChoiceField(choices=Tier.choices, required=False, allow_blank=True, default="")
    tag = id_field(source="tag_id", required=False, allow_null=True, default=None)
    key_customers_only = bool_field(default=False)
    order_type = serializers.ChoiceField(choices=WorkOrderType.choices, required=False, allow_blank=True, default="")
    order_from = serializers.DateField(required=False, allow_null=True, default=None)
    order_to = serializers.DateField(required=False, allow_null=True, default=None)
    repeat_days = serializers.IntegerField(min_value=1, max_value=365, required=False, allow_null=True, default=None)
    link_valid_days = serializers.IntegerField(min_value=1, max_value=365, default=DEFAULT_LINK_DAYS)
    is_active = serializers.BooleanField(read_only=True)
    last_run_at = serializers.DateTimeField(read_only=True)
    next_run_at = serializers.DateTimeField(read_only=True)


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    score = serializers.IntegerField(allow_null=True)
    choices = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField()


class SurveySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    site = serializers.IntegerField(source="site_id")
    template = serializers.IntegerField(source="template_id")
    customer = serializers.IntegerField(source="customer_id")
    work_order = serializers.IntegerField(source="work_order_id", allow_null=True)
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    order_type = serializers.CharField()
    channel = serializers.CharField()
    agent = serializers.IntegerField(source="agent_id", allow_null=True)
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    satisfaction = serializers.IntegerField(allow_null=True)
    link = serializers.CharField(help_text="The one-time public link, for the agent to send.")


class SurveyDetailSerializer(SurveySerializer):
    answers = AnswerSerializer(many=True)


class CsatQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    group_by = serializers.ChoiceField(choices=GROUPS, default="site")
    site = id_field(required=False)


class CsatRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    responses = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    csat = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class CsatReportSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    group_by = serializers.CharField()
    rows = CsatRowSerializer(many=True)
    total = CsatRowSerializer()
