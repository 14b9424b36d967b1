"""Shapes of the deadline API: clocks, promises, escalations, calls, the report and the configuration.

Serializers check shape only (types, enums, lengths, bounds); business rules (who may, promise in the future,
skip level only when urgent, ring standard …) are the services' and come back as a ServiceError.
"""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kefu.accounts.api import SiteRefSerializer, StaffRefSerializer
from kefu.core.api import bool_field, id_field, line_field, text_field
from kefu.customers.models import Tier
from kefu.tickets.models import Channel, Priority, WorkOrderType
from kefu.tickets.serializers import ClockSerializer, PolicyRefSerializer
from kefu.tickets.transitions import Status

from .models import ClockState, EscalationLevel, Metric, OfficialDay
from .selectors import GROUPINGS

MAX_REPORT_DAYS = 400
WEEKDAYS = [str(d) for d in range(7)]
MAX_MINUTES = 525_600  # a year: bounds every minute count well inside the columns


class AwareDateTimeField(serializers.DateTimeField):
    """An instant with its UTC offset: a promise told to a customer must not depend on the server's zone."""

    default_error_messages = {
        "offset": _("Give the time with its UTC offset, e.g. 2026-11-24T15:00:00+08:00."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = None
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                pass
            if parsed is not None and parsed.tzinfo is None:
                self.fail("offset")
        return super().to_internal_value(value)


# --- clocks, escalations, promises --------------------------------------------------------------------------


class ClockDetailSerializer(ClockSerializer):
    state = serializers.ChoiceField(choices=ClockState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    metric = serializers.ChoiceField(choices=Metric.choices, read_only=True)
    metric_label = serializers.CharField(source="get_metric_display", read_only=True)
    target_minutes = serializers.IntegerField(read_only=True)
    business_time = serializers.BooleanField(read_only=True)
    pause_statuses = serializers.ListField(child=serializers.CharField(), read_only=True)
    started_at = serializers.DateTimeField(read_only=True)
    at_risk_at = serializers.DateTimeField(read_only=True, allow_null=True)
    paused_at = serializers.DateTimeField(read_only=True, allow_null=True)
    fulfilled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    breached_at = serializers.DateTimeField(read_only=True, allow_null=True)
    cycle = serializers.IntegerField(read_only=True)


class PromiseInputSerializer(serializers.Serializer):
    promised_at = AwareDateTimeField(help_text="ISO 8601 with offset, e.g. 2026-11-24T15:00:00+08:00.")
    reason = text_field(2000, required=False, allow_blank=True, default="", help_text="Required to change a promise.")


class EscalateInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=[(EscalationLevel.SUPERVISOR, "supervisor"), (EscalationLevel.MANAGER, "manager")]
    )
    reason = text_field(2000, required=False, allow_blank=True, default="", help_text="Required.")
    skip_level = bool_field(
        required=False, default=False, help_text="Urgent matters only: straight to the manager, supervisor told after."
    )


# --- call register ----------------------------------------------------------------------------------------


class CallInputSerializer(serializers.Serializer):
    site = id_field()
    rings = serializers.IntegerField(help_text="Rings before answering (0 to 30).")
    apology_made = bool_field(
        required=False, default=False, help_text="Required when answered after the site's standard."
    )
    work_order = id_field(required=False, allow_null=True, default=None)


class CallSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    site = SiteRefSerializer(read_only=True)
    agent = StaffRefSerializer(read_only=True)
    work_order = serializers.IntegerField(source="work_order_id", read_only=True, allow_null=True)
    answered_at = serializers.DateTimeField(read_only=True)
    rings = serializers.IntegerField(read_only=True)
    max_rings = serializers.IntegerField(read_only=True, help_text="The site's standard when the call was taken.")
    answered_late = serializers.BooleanField(read_only=True)
    apology_made = serializers.BooleanField(read_only=True)


# --- report ------------------------------------------------------------------------------------------------


class PeriodQuerySerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="Inclusive; ISO 8601 (a date means its midnight, server zone).")
    end = serializers.DateTimeField(help_text="Exclusive.")
    site = id_field(required=False)

    def validate(self, data):
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": [_("The end must lie after the start.")]})
        if (data["end"] - data["start"]).days > MAX_REPORT_DAYS:
            raise serializers.ValidationError(
                {"end": [_("A report covers at most %(days)s days.") % {"days": MAX_REPORT_DAYS}]}
            )
        return data


class ReportQuerySerializer(PeriodQuerySerializer):
    group_by = serializers.ChoiceField(choices=[(g, g) for g in GROUPINGS], default="site")


class BreachQuerySerializer(PeriodQuerySerializer):
    limit = serializers.IntegerField(min_value=1, max_value=500, default=500)


class ReportRowSerializer(serializers.Serializer):
    group = serializers.SerializerMethodField(help_text="The group's key: site or staff id, type or channel code.")
    label = serializers.CharField(read_only=True, allow_null=True)
    metric = serializers.ChoiceField(choices=Metric.choices, read_only=True)
    met = serializers.IntegerField(read_only=True)
    breached = serializers.IntegerField(read_only=True)
    open = serializers.IntegerField(read_only=True, help_text="Not decided yet: left out of the percentage.")
    compliance = serializers.FloatField(read_only=True, allow_null=True, help_text="% met of decided; null if none.")

    def get_group(self, row) -> str | None:
        return None if row["group"] is None else str(row["group"])


class BreachOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    subject = serializers.CharField(read_only=True)
    site = SiteRefSerializer(read_only=True)
    assignee = StaffRefSerializer(read_only=True, allow_null=True)


class BreachSerializer(serializers.Serializer):
    work_order = BreachOrderSerializer(read_only=True)
    metric = serializers.ChoiceField(choices=Metric.choices, read_only=True)
    due_at = serializers.DateTimeField(read_only=True, allow_null=True)
    breached_at = serializers.DateTimeField(read_only=True)
    fulfilled_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="Met late, if at all.")
    policy = PolicyRefSerializer(read_only=True, allow_null=True)
    policy_version = serializers.IntegerField(read_only=True)
    escalation_reasons = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Why the order was escalated, oldest first."
    )

    def to_representation(self, row):
        data = super().to_representation(row["clock"])
        data["escalation_reasons"] = row["reasons"]
        return data


# --- configuration: service hours, holiday years, response standards ---------------------------------------


class WeeklyField(serializers.DictField):
    """{"0": ["09:00-12:00", "13:30-18:00"], …, "6": []}: Monday is "0"; a missing day is closed."""

    child = serializers.ListField(child=serializers.CharField(max_length=11, allow_blank=True), max_length=12)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        unknown = sorted(set(value) - set(WEEKDAYS))
        if unknown:
            raise serializers.ValidationError(_('Days are "0" (Monday) to "6" (Sunday).'))
        return value


class SiteCalendarInputSerializer(serializers.Serializer):
    weekly = WeeklyField()
    around_the_clock = bool_field(help_text="24-hour duty (物业项目): weekly hours are ignored.")
    observes_public_holidays = bool_field(help_text="Closed on official holidays, open on make-up days.")
    makeup_weekday = serializers.IntegerField(
        min_value=0, max_value=6, default=0, help_text="Whose hours a make-up working day uses (0 = Monday)."
    )
    max_rings = serializers.IntegerField(
        min_value=1, max_value=30, help_text="Answer the phone within this many rings."
    )


class OverrideSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    day = serializers.DateField(read_only=True)
    closed = serializers.BooleanField(read_only=True)
    hours = serializers.ListField(child=serializers.CharField(), read_only=True)
    reason = serializers.CharField(read_only=True)


class OverrideInputSerializer(serializers.Serializer):
    day = serializers.DateField()
    closed = bool_field(help_text="Closed all day, or open with `hours` instead of the weekly hours.")
    hours = serializers.ListField(
        child=serializers.CharField(max_length=11, allow_blank=True), max_length=12, required=False, default=list
    )
    reason = line_field(200, required=False, allow_blank=True, default="")


class SiteCalendarSerializer(serializers.Serializer):
    site = SiteRefSerializer(read_only=True)
    stored = serializers.BooleanField(read_only=True, help_text="False while the site uses its kind's defaults.")
    weekly = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), read_only=True)
    around_the_clock = serializers.BooleanField(read_only=True)
    observes_public_holidays = serializers.BooleanField(read_only=True)
    makeup_weekday = serializers.IntegerField(read_only=True)
    max_rings = serializers.IntegerField(read_only=True)
    overrides = OverrideSerializer(many=True, read_only=True)


class OfficialDaySerializer(serializers.Serializer):
    day = serializers.DateField(read_only=True)
    kind = serializers.ChoiceField(choices=OfficialDay.KINDS, read_only=True)
    name = serializers.CharField(read_only=True)


class HolidayYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(read_only=True)
    imported_by = StaffRefSerializer(read_only=True)
    imported_at = serializers.DateTimeField(read_only=True)
    source_note = serializers.CharField(read_only=True)
    days = serializers.SerializerMethodField()

    @extend_schema_field(OfficialDaySerializer(many=True))
    def get_days(self, year):
        return OfficialDaySerializer(year.days.all(), many=True).data


class HolidayImportSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    text = text_field(
        20_000,
        help_text="One line per day: `2027-01-01,holiday,元旦` or `2027-02-07,班,春节调休`; a header is skipped.",
    )
    source_note = line_field(
        200, required=False, allow_blank=True, default="", help_text="E.g. the State Council notice."
    )


class TargetSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices)
    minutes = serializers.IntegerField(min_value=1, max_value=MAX_MINUTES)
    business_time = bool_field(default=True, help_text="Counted in the site's service hours.")
    pause_statuses = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        default=list,
        max_length=len(Status),
        help_text="Work-order statuses that stop this clock, e.g. awaiting_customer.",
    )

    def validate_pause_statuses(self, statuses):
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise serializers.ValidationError(_("Unknown status: %(value)s.") % {"value": ", ".join(unknown)[:60]})
        return list(dict.fromkeys(statuses))


def _blank_choice(choices, **kw):
    return serializers.ChoiceField(choices=choices, allow_blank=True, **kw)


class PolicyInputSerializer(serializers.Serializer):
    """The whole policy (PUT replaces it): blank conditions match anything."""

    name = line_field(100)
    position = serializers.IntegerField(min_value=0, max_value=1_000_000, help_text="Tried in ascending order.")
    is_active = bool_field()
    site = id_field(allow_null=True)
    type = _blank_choice(WorkOrderType.choices)
    channel = _blank_choice(Channel.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, allow_null=True)
    tier = _blank_choice(Tier.choices)
    at_risk_percent = serializers.IntegerField(min_value=1, max_value=100)
    supervisor_after_breach_minutes = serializers.IntegerField(min_value=0, max_value=MAX_MINUTES)
    manager_after_breach_minutes = serializers.IntegerField(min_value=0, max_value=MAX_MINUTES)
    promised_reply_required = bool_field()
    reminder_before_promise_minutes = serializers.IntegerField(min_value=0, max_value=MAX_MINUTES)
    targets = TargetSerializer(many=True, max_length=len(Metric))
    reason = text_field(2000, required=False, allow_blank=True, default="", help_text="Why the standard changes.")
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, help_text="The version you read (or If-Match)."
    )

    POLICY_FIELDS = (
        "name",
        "position",
        "is_active",
        "type",
        "channel",
        "priority",
        "tier",
        "at_risk_percent",
        "supervisor_after_breach_minutes",
        "manager_after_breach_minutes",
        "promised_reply_required",
        "reminder_before_promise_minutes",
    )

    def validate_targets(self, targets):
        metrics = [t["metric"] for t in targets]
        if len(set(metrics)) != len(metrics):
            raise serializers.ValidationError(_("Each target may appear only once."))
        return targets

    def policy_fields(self) -> dict:
        data = self.validated_data
        return {**{name: data[name] for name in self.POLICY_FIELDS}, "site_id": data["site"]}


class TargetOutSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=Metric.choices, read_only=True)
    minutes = serializers.IntegerField(read_only=True)
    business_time = serializers.BooleanField(read_only=True)
    pause_statuses = serializers.ListField(child=serializers.CharField(), read_only=True)


class PolicySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True, help_text="Bumped by every change; clocks keep theirs.")
    name = serializers.CharField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    site = SiteRefSerializer(read_only=True, allow_null=True)
    type = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    priority = serializers.IntegerField(read_only=True, allow_null=True)
    tier = serializers.CharField(read_only=True)
    at_risk_percent = serializers.IntegerField(read_only=True)
    supervisor_after_breach_minutes = serializers.IntegerField(read_only=True)
    manager_after_breach_minutes = serializers.IntegerField(read_only=True)
    promised_reply_required = serializers.BooleanField(read_only=True)
    reminder_before_promise_minutes = serializers.IntegerField(read_only=True)
    targets = serializers.SerializerMethodField()

    @extend_schema_field(TargetOutSerializer(many=True))
    def get_targets(self, policy):
        targets = sorted(policy.targets.all(), key=lambda t: t.metric)
        return TargetOutSerializer(targets, many=True).data


class ConfigEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    event_type = serializers.CharField(read_only=True, help_text="policy_created or policy_changed.")
    version = serializers.IntegerField(read_only=True, allow_null=True)
    actor = StaffRefSerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    old = serializers.JSONField(read_only=True, allow_null=True, help_text="Snapshot before the change.")
    new = serializers.JSONField(read_only=True, allow_null=True, help_text="Snapshot after the change.")
    note = serializers.CharField(read_only=True)
