"""Shapes of suggestions and inquiries in the API. Shape only: every business rule is the services'."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from kefu.accounts.api import DepartmentRefSerializer, StaffRefSerializer
from kefu.core.api import bool_field, id_field, line_field, text_field
from kefu.tickets.models import Channel

from .models import Feasibility, FeedbackChannel
from .selectors import masked_contact
from .transitions import Stage, allowed_steps


def _optional_text(max_length: int = 10_000, help_text: str = ""):
    return text_field(max_length, required=False, allow_blank=True, default="", help_text=help_text)


class CategorySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    site_id = serializers.IntegerField(read_only=True, allow_null=True, help_text="null: offered by every site.")


class SuggestionEventSerializer(serializers.Serializer):
    event_type = serializers.CharField(read_only=True)
    actor = StaffRefSerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    old = serializers.JSONField(read_only=True)
    new = serializers.JSONField(read_only=True)
    note = serializers.CharField(read_only=True)


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    work_order_id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(source="work_order.number", read_only=True)
    work_order_status = serializers.CharField(source="work_order.status", read_only=True)
    site_id = serializers.IntegerField(read_only=True)
    recorded_at = serializers.DateTimeField(read_only=True)
    content = serializers.CharField(read_only=True)
    proposer_name = serializers.CharField(read_only=True)
    proposer_contact = serializers.SerializerMethodField(help_text="A phone number is masked.")
    solicited = serializers.BooleanField(read_only=True)
    stage = serializers.ChoiceField(choices=Stage.choices, read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    next_steps = serializers.SerializerMethodField(help_text="Steps the stage table allows now (permissions aside).")
    category = CategorySerializer(read_only=True, allow_null=True)
    feasibility = serializers.CharField(read_only=True)
    valuable = serializers.BooleanField(read_only=True, allow_null=True)
    evaluation = serializers.CharField(read_only=True)
    evaluated_by = StaffRefSerializer(read_only=True, allow_null=True)
    forwarded_to = StaffRefSerializer(read_only=True, allow_null=True)
    forwarded_to_department = DepartmentRefSerializer(read_only=True, allow_null=True)
    decision = serializers.CharField(read_only=True)
    decision_reason = serializers.CharField(read_only=True)
    decided_by = StaffRefSerializer(read_only=True, allow_null=True)
    decided_on = serializers.DateField(read_only=True, allow_null=True)
    plan = serializers.CharField(read_only=True)
    plan_owner = StaffRefSerializer(read_only=True, allow_null=True)
    plan_due_on = serializers.DateField(read_only=True, allow_null=True)
    progress = serializers.CharField(read_only=True)
    implemented_at = serializers.DateTimeField(read_only=True, allow_null=True)
    implementation_result = serializers.CharField(read_only=True)
    feedback_at = serializers.DateTimeField(read_only=True, allow_null=True)
    feedback_channel = serializers.CharField(read_only=True)
    close_reason = serializers.CharField(read_only=True)

    def get_proposer_contact(self, obj) -> str:
        return masked_contact(obj.proposer_contact)

    def get_next_steps(self, obj) -> list[str]:
        return [step.value for step in allowed_steps(obj.stage)]


class SuggestionDetailSerializer(SuggestionSerializer):
    events = SuggestionEventSerializer(many=True, read_only=True)


class SuggestionCreateSerializer(serializers.Serializer):
    site = id_field()
    content = text_field(10_000, allow_blank=True)
    proposer_name = line_field(100, allow_blank=True)
    proposer_contact = line_field(200, allow_blank=True, help_text="A phone number unless `customer` is given.")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WALK_IN)
    customer = id_field(required=False, allow_null=True, default=None)
    category = id_field(required=False, allow_null=True, default=None)
    solicited = bool_field(required=False, default=False)
    subject = line_field(200, required=False, allow_blank=True, default="")


class ListQuerySerializer(serializers.Serializer):
    site = id_field(required=False, allow_null=True, default=None)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False, allow_blank=True, default="")
    category = id_field(required=False, allow_null=True, default=None)
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)
    q = line_field(100, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["date_from"] and attrs["date_to"] and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": "date_to < date_from"})
        return attrs


class ClassifyInputSerializer(serializers.Serializer):
    category = id_field(required=False, allow_null=True, default=None)


class EvaluateInputSerializer(serializers.Serializer):
    feasibility = serializers.ChoiceField(choices=Feasibility.choices, required=False, allow_blank=True, default="")
    valuable = bool_field(required=False, allow_null=True, default=None)
    evaluation = _optional_text()
    evaluator = id_field(required=False, allow_null=True, default=None, help_text="Default: you.")


class ForwardInputSerializer(serializers.Serializer):
    department = id_field(required=False, allow_null=True, default=None)
    leader = id_field(required=False, allow_null=True, default=None)
    note = _optional_text(2000, "What they are asked to do (required).")


class DecideInputSerializer(serializers.Serializer):
    reason = _optional_text(help_text="Discussion summary and reason (required).")
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)


class AdoptInputSerializer(DecideInputSerializer):
    plan = _optional_text(help_text="Required.")
    plan_owner = id_field(required=False, allow_null=True, default=None, help_text="Required.")
    plan_due_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Required.")


@extend_schema_serializer(component_name="SuggestionNoteInput")  # unique among the apps' components
class NoteInputSerializer(serializers.Serializer):
    note = _optional_text(help_text="Required.")


class ResultInputSerializer(serializers.Serializer):
    result = _optional_text(help_text="Required.")


class FeedbackInputSerializer(serializers.Serializer):
    message = _optional_text(help_text="What the proposer was told (required).")
    channel = serializers.ChoiceField(choices=FeedbackChannel.choices)
    thanked = bool_field(help_text="Must be true: the proposer was thanked.")
    given_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


@extend_schema_serializer(component_name="SuggestionCloseInput")  # unique among the apps' components
class CloseInputSerializer(serializers.Serializer):
    reason = _optional_text(2000, "Required when an adopted suggestion is not implemented yet.")


class StatisticsQuerySerializer(serializers.Serializer):
    site = id_field(required=False, allow_null=True, default=None)
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)

    validate = ListQuerySerializer.validate


class StatisticsRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_null=True)
    total = serializers.IntegerField()
    adopted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    undecided = serializers.IntegerField()
    implemented = serializers.IntegerField()
    adoption_rate = serializers.FloatField(allow_null=True, help_text="adopted / (adopted + rejected)")


class StatisticsSerializer(serializers.Serializer):
    totals = StatisticsRowSerializer()
    by_category = StatisticsRowSerializer(many=True)
    by_month = StatisticsRowSerializer(many=True)
    by_department = StatisticsRowSerializer(many=True)
    by_stage = serializers.DictField(child=serializers.IntegerField())
    solicited = serializers.IntegerField()


# ---- inquiries ----


class InquirySerializer(serializers.Serializer):
    work_order_id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(source="work_order.number", read_only=True)
    status = serializers.CharField(source="work_order.status", read_only=True)
    question = serializers.CharField(source="work_order.description", read_only=True)
    asker_name = serializers.CharField(read_only=True)
    answer = serializers.CharField(read_only=True)
    answer_script_key = serializers.CharField(
        read_only=True, help_text="Key of the unified answer script used, if any (knowledge app)."
    )
    answered_by = StaffRefSerializer(read_only=True, allow_null=True)
    answered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    no_further_questions = serializers.BooleanField(read_only=True)


class InquiryCreateSerializer(serializers.Serializer):
    site = id_field()
    question = text_field(10_000, allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.PHONE)
    customer = id_field(required=False, allow_null=True, default=None, help_text="Omit for an anonymous inquiry.")
    asker_name = line_field(100, required=False, allow_blank=True, default="")
    asker_contact = line_field(200, required=False, allow_blank=True, default="")
    subject = line_field(200, required=False, allow_blank=True, default="")
    answer = _optional_text(help_text="Answer on the spot: the inquiry is resolved at once.")
    answer_script_key = line_field(64, required=False, allow_blank=True, default="")
    no_further_questions = bool_field(required=False, default=False)


class AnswerInputSerializer(serializers.Serializer):
    answer = _optional_text(help_text="Required.")
    answer_script_key = line_field(64, required=False, allow_blank=True, default="")
    no_further_questions = bool_field(help_text="Must be true (INT-13).")
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class ParkInputSerializer(serializers.Serializer):
    told_customer = _optional_text(help_text="Required.")
    promised_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Required.")
    reason = _optional_text(2000, "Required when an earlier promise changes.")
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


@extend_schema_serializer(component_name="SuggestionTransferInput")  # unique among the apps' components
class TransferInputSerializer(serializers.Serializer):
    reason = _optional_text(2000, "Required.")
    department = id_field(required=False, allow_null=True, default=None)
    assignee = id_field(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
